package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/begira/begira/internal/auth"
	"github.com/begira/begira/internal/store"
)

func noEnv(string) string { return "" }

// runCLI runs one begira command and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, noEnv)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const tinyMission = `slug: tiny
title: {en: Tiny}
schemes:
  - code: pillar
    label: {en: Pillar}
    cardinality: multi
    terms:
      - {code: social, label: {en: Social, es: Social}}
      - {code: green, label: {en: Green, es: Verde}}
  - code: level
    label: {en: Level}
    ordered: true
    terms:
      - {code: community, label: {en: Community}}
      - {code: regulation, label: {en: Regulation}}
`

func TestMissionApplyAndImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "b.duckdb")
	mission := writeFile(t, dir, "mission.yaml", tinyMission)

	code, out, errOut := runCLI(t, "mission", "apply", "--db", db, mission)
	if code != 0 || !strings.Contains(out, "mission tiny created: 2 schemes") {
		t.Fatalf("apply: code %d, out %q, err %q", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "mission", "apply", "--db", db, mission); code != 0 || !strings.Contains(out, "updated") {
		t.Fatalf("re-apply: code %d, out %q", code, out)
	}

	clean := writeFile(t, dir, "p.csv", "ext_ref,title,pillars,level\nP1,One,social|green,community\nP2,Two,Verde,regulation\n")
	code, out, errOut = runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", "--dry-run", clean)
	if code != 0 || !strings.Contains(out, "rows: 2 total, 2 ok, 0 rejected") || !strings.Contains(out, "nothing written") {
		t.Fatalf("dry run: code %d, out %q, err %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", clean)
	if code != 0 || !strings.Contains(out, "committed batch") {
		t.Fatalf("import: code %d, out %q, err %q", code, out, errOut)
	}

	// A row with an unknown term: exit 1, the line, column and a suggestion.
	bad := writeFile(t, dir, "bad.csv", "ext_ref,title,pillars,level\nP3,Three,gren,community\n")
	code, out, _ = runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", bad)
	if code != 1 || !strings.Contains(out, `line 2, column "pillars", value "gren": unknown pillar term "gren"; did you mean "green"?`) {
		t.Fatalf("bad import: code %d, out %q", code, out)
	}
	// Neither the dry run nor the refused import keeps its staged copy of
	// the file; both stay in the history as discarded.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var staged int
	var statuses string
	err = st.DB().QueryRow(`SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = 'begira_staging' OR schema_name = 'staging'),
		(SELECT string_agg(status, ' ' ORDER BY id) FROM import_batch)`).Scan(&staged, &statuses)
	st.Close()
	if err != nil || staged != 0 || statuses != "discarded committed discarded" {
		t.Fatalf("after the CLI imports: %d staging tables, statuses %q (%v); want none and discarded committed discarded", staged, statuses, err)
	}

	// Removing a term in use is refused, naming the term and its users.
	reduced := strings.Replace(tinyMission, "      - {code: green, label: {en: Green, es: Verde}}\n", "", 1)
	code, _, errOut = runCLI(t, "mission", "apply", "--db", db, writeFile(t, dir, "m2.yaml", reduced))
	if code != 1 || !strings.Contains(errOut, `term "green" of scheme "pillar" is still used by 2 project(s)`) {
		t.Fatalf("remove used term: code %d, err %q", code, errOut)
	}

	if code, out, _ = runCLI(t, "migrate", "--db", db); code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: code %d, out %q", code, out)
	}
}

// The CLI prints the column mapping with each column's convention, holds
// a file whose numbers read both ways, and takes a column's separator.
func TestImportPrintsMappingAndTakesAColumnSeparator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "b.duckdb")
	if code, out, errOut := runCLI(t, "mission", "apply", "--db", db, writeFile(t, dir, "mission.yaml", tinyMission)); code != 0 {
		t.Fatalf("apply: %d %q %q", code, out, errOut)
	}
	file := writeFile(t, dir, "p.csv", "referencia;título;presupuesto;fecha de inicio\nP1;Uno;600.159;15/03/2024\nP2;Dos;45.000;16/03/2024\n")
	// A dry run does not call the file clean: it would not commit.
	code, out, _ := runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", "--dry-run", file)
	if code != 1 || strings.Contains(out, "clean") || !strings.Contains(out, "--decimal-separator 'presupuesto=,'") {
		t.Errorf("dry run of an ambiguous file: exit %d, want 1 and the choice to make:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", file)
	for _, want := range []string{`"referencia" → ext_ref`, `"presupuesto" → budget_total_eur  (decimal ",", ambiguous)`,
		`"fecha de inicio" → start_date  (%d/%m/%Y, values)`, "warning [number_ambiguous]", "--decimal-separator 'presupuesto=,'"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not show %q:\n%s", want, out)
		}
	}
	if code != 1 {
		t.Fatalf("ambiguous import: exit %d, want 1", code)
	}
	code, out, errOut := runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", "--decimal-separator", "presupuesto=,", file)
	if code != 0 || !strings.Contains(out, `(decimal ",", given)`) {
		t.Fatalf("import with the column's separator: exit %d\n%s%s", code, out, errOut)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var budget float64
	if err := st.DB().QueryRow(`SELECT budget_total_eur FROM project WHERE ext_ref = 'P1'`).Scan(&budget); err != nil || budget != 600159 {
		t.Errorf("P1 budget %v (%v), want 600159", budget, err)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"no command":      nil,
		"unknown command": {"frobnicate"},
		"import no file":  {"import", "--mission", "x", "--kind", "projects"},
		"bad mapping":     {"import", "--mission", "x", "--kind", "projects", "--mapping", "nope", "f.csv"},
		"mission no file": {"mission", "apply"},
		"serve bad flag":  {"serve", "--log-format", "xml"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "begira ") {
		t.Errorf("version: %d %q", code, out)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`url=http://(\S+)`)

// TestServeShutdownFinishesInFlight starts `begira serve`, opens a request
// whose body is still arriving, cancels the process context (what SIGTERM
// does) and checks that the request still gets its full answer, that serve
// exits 0, and that the database file is released.
func TestServeShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "s.duckdb")
	code, token, stderr := runCLI(t, "token", "create", "--db", db, "--role", "admin", "--name", "shutdown test")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, io.Discard, &logs, noEnv)
	}()

	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("server did not start: %s", logs.String())
	}
	if resp, err := http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "slug: late\ntitle: {en: Late}\nschemes: []\n"
	fmt.Fprintf(conn, "PUT /api/v1/missions/late HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/yaml\r\nContent-Length: %d\r\n\r\n%s",
		strings.TrimSpace(token), len(body), body[:10])
	// Shutdown starts while the request body is incomplete.
	cancel()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "shutting down"); {
		if time.Now().After(deadline) {
			t.Fatal("serve did not start shutting down")
		}
		time.Sleep(5 * time.Millisecond) // polls the log; no fixed wait
	}
	fmt.Fprint(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request was cut: %v", err)
	}
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Errorf("in-flight request: status %d (%s), want 201", resp.StatusCode, b)
	}
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("serve exited %d, want 0; logs:\n%s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	// The file lock is released: another process (here, this one) can open it.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatalf("database still locked after shutdown: %v", err)
	}
	st.Close()
}

func TestSnapshotCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	if code, _, errOut := runCLI(t, "mission", "apply", "--db", db, writeFile(t, dir, "m.yaml", tinyMission)); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := runCLI(t, "snapshot", "--db", db, "--mission", "tiny", "--label", "March committee")
	if code != 0 || !strings.Contains(out, "snapshot 1 of tiny") {
		t.Fatalf("snapshot: code %d out %q err %q", code, out, errOut)
	}
	if code, _, errOut = runCLI(t, "snapshot", "--db", db, "--mission", "nope"); code != 1 || !strings.Contains(errOut, "nope") {
		t.Errorf("unknown mission: code %d err %q", code, errOut)
	}
	if code, _, _ = runCLI(t, "snapshot", "--db", db); code != 2 {
		t.Errorf("missing mission: code %d, want 2", code)
	}
}

// TestServePrintsTheSetupLinkOnce: with no user, serve prints a one-time
// link that opens the setup page; a wrong code does not.
func TestServePrintsTheSetupLinkOnce(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "s.duckdb")
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	exit := make(chan int, 1)
	go func() { exit <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, &out, &logs, noEnv) }()
	defer func() { cancel(); <-exit }()
	link := regexp.MustCompile(`http://\S+/setup\?code=\S+`)
	var setup string
	for deadline := time.Now().Add(20 * time.Second); setup == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		setup = link.FindString(out.String())
	}
	if setup == "" {
		t.Fatalf("no setup link printed; stdout %q; logs %s", out.String(), logs.String())
	}
	if resp, err := http.Get(setup); err != nil || resp.StatusCode != 200 {
		t.Fatalf("setup link: %v %v", resp, err)
	}
	wrong := setup[:strings.Index(setup, "code=")+5] + "guess"
	if resp, err := http.Get(wrong); err != nil || resp.StatusCode != 403 {
		t.Errorf("a guessed code: %v %v, want 403", resp, err)
	}
}

// TestTokenCommand: create prints the token alone and once, it opens the
// API, list shows it without the secret, revoke closes it.
func TestTokenCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "t.duckdb")
	if code, _, stderr := runCLI(t, "token", "create", "--db", db, "--role", "owner", "--name", "x"); code != 1 || !strings.Contains(stderr, `unknown role "owner"`) {
		t.Errorf("bad role: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "token", "create", "--db", db, "--role", "viewer", "--mission", "nope", "--name", "x"); code != 1 || !strings.Contains(stderr, `no mission "nope"`) {
		t.Errorf("unknown mission: %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "token", "create", "--db", db, "--role", "viewer", "--name", "kiosk")
	secret := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(secret, "bgr_") || strings.Contains(secret, "\n") {
		t.Fatalf("create: %d %q %s", code, out, stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := st.TokenByHash(context.Background(), auth.Hash(secret)); err != nil || tok.Role != "viewer" || tok.Mission != "*" {
		t.Errorf("stored token %+v, %v", tok, err)
	}
	st.Close()
	_, out, _ = runCLI(t, "token", "list", "--db", db)
	if !strings.Contains(out, "kiosk") || strings.Contains(out, secret) {
		t.Errorf("list: %q (must name the token, never show it)", out)
	}
	if code, _, _ := runCLI(t, "token", "revoke", "--db", db, "1"); code != 0 {
		t.Fatalf("revoke: %d", code)
	}
	st, _ = store.Open(context.Background(), db, store.Options{})
	defer st.Close()
	if _, err := st.TokenByHash(context.Background(), auth.Hash(secret)); err == nil {
		t.Error("a revoked token still opens")
	}
}

// TestUserCommand: add takes the password from stdin, and password is
// the way back in for a locked-out administrator: it lifts the lock and
// ends old sessions.
func TestUserCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.duckdb")
	withStdin := func(s string) { stdin = func() io.Reader { return strings.NewReader(s) } }
	t.Cleanup(func() { stdin = func() io.Reader { return os.Stdin } })
	withStdin("short\n")
	if code, _, stderr := runCLI(t, "user", "add", "--db", db, "--username", "ane", "--role", "admin"); code != 1 || !strings.Contains(stderr, "at least 12") {
		t.Errorf("short password: %d %s", code, stderr)
	}
	withStdin("first long password\n")
	if code, _, stderr := runCLI(t, "user", "add", "--db", db, "--username", "ane", "--role", "admin"); code != 0 {
		t.Fatalf("add: %d %s", code, stderr)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := st.UserByName(ctx, "ane")
	if u.Grants["*"] != "admin" || !auth.VerifyPassword("first long password", u.PasswordHash) {
		t.Fatalf("stored user %+v", u)
	}
	if _, err := st.LoginFailed(ctx, u, 1, time.Hour); err != nil { // locked out
		t.Fatal(err)
	}
	st.Close()
	withStdin("second long password\n")
	if code, _, stderr := runCLI(t, "user", "password", "--db", db, "--username", "ane"); code != 0 {
		t.Fatalf("password: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "user", "password", "--db", db, "--username", "nobody"); code != 1 || !strings.Contains(stderr, `no user "nobody"`) {
		t.Errorf("unknown user: %d %s", code, stderr)
	}
	st, _ = store.Open(ctx, db, store.Options{})
	defer st.Close()
	u, _ = st.UserByName(ctx, "ane")
	if !auth.VerifyPassword("second long password", u.PasswordHash) || u.LockedUntil != nil {
		t.Errorf("after password: locked %v, new password verifies %v", u.LockedUntil, auth.VerifyPassword("second long password", u.PasswordHash))
	}
}

// TestServeCreatesTheDatabaseDirectory: started where data/ does not exist
// (the binary outside a checkout), serve creates the directory of --db,
// says where the database is, and answers /readyz.
func TestServeCreatesTheDatabaseDirectory(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "not", "yet", "begira.duckdb")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, io.Discard, &logs, noEnv)
	}()
	defer func() { cancel(); <-exit }()
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("server did not start: %s", logs.String())
	}
	if resp, err := http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	if !strings.Contains(logs.String(), "created the database directory") || !strings.Contains(logs.String(), filepath.Dir(db)) {
		t.Errorf("serve did not say which directory it created: %s", logs.String())
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database file: %v", err)
	}
}

// --mapping was split on every comma, so a header holding one
// ("Importe (€, IVA incluido)") could not be mapped; a header the file
// lacks (a typo) was ignored and its column left unread without a word:
// it is a warning now.
func TestImportMappingHeadersWithCommasAndTypos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "b.duckdb")
	if code, _, errOut := runCLI(t, "mission", "apply", "--db", db, writeFile(t, dir, "mission.yaml", tinyMission)); code != 0 {
		t.Fatal(errOut)
	}
	file := writeFile(t, dir, "p.csv", "Ref;Nombre proyecto;Importe (€, IVA incluido)\nP1;One;1.500,00\n")
	code, out, errOut := runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", "--dry-run",
		"--mapping", "Importe (€, IVA incluido)=budget_total_eur,Nombre proyecto=title", file)
	if code != 0 || !strings.Contains(out, `"Importe (€, IVA incluido)" → budget_total_eur`) {
		t.Fatalf("code %d, out %q, err %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", "--dry-run", "--mapping", "Importe=budget_total_eur,Nombre proyecto=title", file)
	if code != 0 || !strings.Contains(out, `warning [mapping_header_absent]: the mapping names "Importe", which the file does not have among its headers Ref, Nombre proyecto, Importe (€, IVA incluido): that mapping is not used`) {
		t.Fatalf("code %d, out %q, err %q", code, out, errOut)
	}
	if code, _, errOut = runCLI(t, "import", "--db", db, "--mission", "tiny", "--kind", "projects", "--dry-run", "--mapping", "Importe", file); code != 2 ||
		!strings.Contains(errOut, `--mapping "Importe": each item must be Header=field`) {
		t.Fatalf("code %d, err %q", code, errOut)
	}
}
