package outbound

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func fetch(c *http.Client, url string) (string, error) {
	res, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

// TestInternalAddressesAreRefused: a pull to the server's own machine is
// refused unless the administrator allows the host (by name, address or
// range); redirects stay on the host asked. Before the guard a mission
// admin's source could read anything the server could reach.
func TestInternalAddressesAreRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/elsewhere":
			http.Redirect(w, r, strings.Replace("http://"+r.Host+"/ok", "127.0.0.1", "localhost", 1), http.StatusFound)
		default:
			io.WriteString(w, "secret")
		}
	}))
	defer srv.Close()
	refused := func(t *testing.T, err error, want string) {
		t.Helper()
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want a refusal saying %q", err, want)
		}
	}
	none, _ := ParseAllow(nil)
	_, err := fetch(Client(none, 5*time.Second), srv.URL+"/ok")
	refused(t, err, "127.0.0.1 is an internal address")
	for _, bad := range []string{"http://localhost:1/", "http://[::1]:1/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1:1/", "http://0.0.0.0:1/"} {
		c := Client(none, 2*time.Second)
		_, err := fetch(c, bad)
		refused(t, err, "internal address")
	}
	for _, entry := range []string{"127.0.0.1", "127.0.0.0/8"} {
		allow, err := ParseAllow([]string{entry})
		if err != nil {
			t.Fatal(err)
		}
		c := Client(allow, 5*time.Second)
		if body, err := fetch(c, srv.URL+"/same"); err != nil || body != "secret" {
			t.Errorf("allowed %s, same-host redirect: %q, %v", entry, body, err)
		}
		_, err = fetch(c, srv.URL+"/elsewhere")
		refused(t, err, "another host")
	}
	if _, err := ParseAllow([]string{"10.0.0.0/99"}); err == nil {
		t.Error("a bad range was accepted")
	}
}
