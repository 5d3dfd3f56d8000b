package pull

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPullJSONToCSV(t *testing.T) {
	for name, tc := range map[string]struct{ in, want, err string }{
		"union of keys in first-seen order": {
			in:   `[{"b": 1, "a": "x"}, {"c": true, "a": "y,z"}, {}]`,
			want: "b,a,c\n1,x,\n,\"y,z\",true\n,,\n",
		},
		"lists and nulls": {
			in:   `[{"tags": ["p", 2, false], "n": null, "t": "line\nbreak"}]`,
			want: "tags,n,t\np|2|false,,\"line\nbreak\"\n",
		},
		"not an array":    {in: `{"items": []}`, err: "array of objects"},
		"not objects":     {in: `[1, 2]`, err: "element 1 is not an object"},
		"nested object":   {in: `[{"a": {"b": 1}}]`, err: `element 1, key "a": an object cannot be a cell`},
		"list of lists":   {in: `[{"a": [[1]]}]`, err: "only text, numbers or booleans"},
		"empty array":     {in: `[]`, err: "no objects"},
		"truncated":       {in: `[{"a": 1}, {"a": `, err: "element 2"},
		"trailing commas": {in: `[{"a": 1},]`, err: "element 2"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src, dst := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.csv")
			if err := os.WriteFile(src, []byte(tc.in), 0o600); err != nil {
				t.Fatal(err)
			}
			err := jsonFileToCSV(src, dst)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(dst)
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPullDetectsJSON(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) *os.File {
		p := filepath.Join(dir, "b")
		os.WriteFile(p, []byte(body), 0o600)
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	for _, tc := range []struct {
		ct, name, body string
		want           bool
	}{
		{"application/json; charset=utf-8", "x", "a,b", true},
		{"application/vnd.api+json", "x", "", true},
		{"text/csv", "x.json", "[", false},
		{"", "feed.JSON", "a,b", true},
		{"application/octet-stream", "feed", "\ufeff  [{}]", true},
		{"text/plain", "feed", "ext_ref,title", false},
	} {
		if got := isJSONBody(tc.ct, tc.name, write(tc.body)); got != tc.want {
			t.Errorf("isJSONBody(%q, %q, %q): got %v, want %v", tc.ct, tc.name, tc.body, got, tc.want)
		}
	}
}
