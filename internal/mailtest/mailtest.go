// Package mailtest starts a real SMTP server for tests: mailpit, pinned to
// Version, and reads back what it received through mailpit's API. The
// binary is looked up as $BEGIRA_MAILPIT, then bin/tools/mailpit at the
// repository root (where .ci/run installs it), else built once into the
// user's cache with `go install` from the module proxy.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Version is the mailpit module the tests run.
const Version = "github.com/axllent/mailpit@v1.33.1"

// TLS modes of the SMTP server.
const (
	Plain    = ""         // no TLS
	StartTLS = "starttls" // STARTTLS required
	Implicit = "implicit" // TLS from the first byte
)

// Server is a running mailpit.
type Server struct {
	SMTP string // host:port
	API  string // http://host:port
	// TLS trusts the server's certificate (TLS modes only).
	TLS *tls.Config
}

var build struct {
	once sync.Once
	path string
	err  error
}

// Binary returns the mailpit executable, building it if needed.
func Binary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		if p := os.Getenv("BEGIRA_MAILPIT"); p != "" {
			build.path = p
			return
		}
		if root, err := repoRoot(); err == nil {
			if p := filepath.Join(root, "bin", "tools", "mailpit"); isFile(p) {
				build.path = p
				return
			}
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "begira-test-tools", "mailpit-v1.33.1")
		build.path = filepath.Join(dir, "mailpit")
		if isFile(build.path) {
			return
		}
		cmd := exec.Command("go", "install", Version)
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
		cmd.Dir = os.TempDir() // outside this module
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go install %s: %v\n%s", Version, err, out)
		}
	})
	if build.err != nil {
		t.Fatalf("mailpit: %v", build.err)
	}
	return build.path
}

// Start runs mailpit on loopback ports until the test ends.
func Start(t testing.TB, mode string) *Server {
	t.Helper()
	return StartAt(t, FreeAddr(t), mode)
}

// StartAt is Start with the SMTP server on smtp (host:port): a test can
// give a sender the address before the server is up.
func StartAt(t testing.TB, smtp, mode string) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	api := FreeAddr(t)
	args := []string{"--smtp", smtp, "--listen", api, "--database", filepath.Join(dir, "mailpit.db"),
		"--disable-version-check", "--smtp-disable-rdns", "--quiet"}
	s := &Server{SMTP: smtp, API: "http://" + api}
	if mode != Plain {
		certFile, keyFile, pool := selfSigned(t, dir)
		args = append(args, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile)
		if mode == StartTLS {
			args = append(args, "--smtp-require-starttls")
		} else {
			args = append(args, "--smtp-require-tls")
		}
		s.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get(s.API + "/api/v1/info"); err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", smtp); err == nil {
				c.Close()
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("mailpit did not start")
		}
	}
	return s
}

// Message is a received email as mailpit's API gives it.
type Message struct {
	ID      string
	Subject string
	To      []struct{ Address string }
	From    struct{ Address string }
	Text    string
	HTML    string
}

// Messages lists what mailpit received (newest first), with bodies.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	var list struct{ Messages []Message }
	s.get(t, "/api/v1/messages", &list)
	for i := range list.Messages {
		s.get(t, "/api/v1/message/"+list.Messages[i].ID, &list.Messages[i])
	}
	return list.Messages
}

// WaitFor polls until n messages arrived, or fails after the timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages(t)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit received %d messages, want %d", len(msgs), n)
		}
		time.Sleep(50 * time.Millisecond) // polls mailpit; the deadline is the test's bound
	}
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(s.API + path)
	if err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}

// FreeAddr returns a loopback address no one listens on (yet).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// selfSigned writes a certificate for 127.0.0.1 and returns its files and
// a pool that trusts it.
func selfSigned(t testing.TB, dir string) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailpit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
