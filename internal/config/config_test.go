package config

import (
	"io"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		env      map[string]string
		wantAddr string
		wantDB   string
	}{
		{"defaults", nil, nil, "127.0.0.1:8080", "data/begira.duckdb"},
		{"env over default", nil, map[string]string{"BEGIRA_ADDR": "0.0.0.0:9000", "BEGIRA_DB": ":memory:"}, "0.0.0.0:9000", ":memory:"},
		{"flag over env", []string{"--addr", "127.0.0.1:1"}, map[string]string{"BEGIRA_ADDR": "0.0.0.0:9000"}, "127.0.0.1:1", "data/begira.duckdb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseServe(tc.args, env(tc.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tc.wantAddr || c.DB != tc.wantDB {
				t.Errorf("got addr %q db %q, want %q %q", c.Addr, c.DB, tc.wantAddr, tc.wantDB)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	for name, args := range map[string][]string{
		"bad level":   {"--log-level", "loud"},
		"bad format":  {"--log-format", "xml"},
		"bad addr":    {"--addr", "8080"},
		"bad threads": {"--threads", "0"},
		"missing dir": {"--dashboards", "/no/such/dir"},
		"stray arg":   {"extra"},
		"bad proxy":   {"--trusted-proxies", "10.0.0.0/8,proxy.local"},
		"short ttl":   {"--session-ttl", "10s"},
		"no timeout":  {"--upload-timeout", "0s"},
	} {
		if _, err := ParseServe(args, env(nil), io.Discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ParseServe(nil, env(map[string]string{"BEGIRA_THREADS": "many"}), io.Discard); err == nil {
		t.Error("bad env value: no error")
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := ParseServe(nil, env(map[string]string{"BEGIRA_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.5"}), io.Discard)
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[1] != "192.168.1.5" {
		t.Errorf("trusted proxies %q, %v", c.TrustedProxies, err)
	}
}
