package config

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestServiceSettings: the service flags are read from flags and env,
// checked with a message that names the flag, and secrets never logged.
func TestServiceSettings(t *testing.T) {
	env := map[string]string{"BEGIRA_METRICS_TOKEN": "token-from-the-env-0123", "BEGIRA_SMTP_URL": "smtp://u:hunter2hunter2@mail:587"}
	c, err := ParseServe([]string{"--metrics-addr", "127.0.0.1:9464", "--mail-from", "begira@example.org", "--backup-keep", "3"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.MetricsAddr != "127.0.0.1:9464" || c.MetricsToken != "token-from-the-env-0123" || c.BackupKeep != 3 || c.SMTPURL == "" {
		t.Errorf("settings %+v", c.Service)
	}
	var logs bytes.Buffer
	c.Log(slog.New(slog.NewTextHandler(&logs, nil)))
	if strings.Contains(logs.String(), "hunter2") || strings.Contains(logs.String(), "token-from-the-env") {
		t.Errorf("a secret was logged: %s", logs.String())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--metrics-addr", "9464"}, "metrics-addr"},
		{[]string{"--metrics-token", "short"}, "metrics-token"},
		{[]string{"--smtp-url", "smtp://mail"}, "mail-from"},
		{[]string{"--public-url", "begira.example.org"}, "public-url"},
		{[]string{"--backup-keep", "0"}, "backup-keep"},
		{[]string{"--webhook-secret", "short"}, "webhook-secret"},
	} {
		if _, err := ParseServe(c.args, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want one naming %s", c.args, err, c.want)
		}
	}
}
