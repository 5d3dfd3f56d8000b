package decode

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLineDrift(t *testing.T) {
	for _, tc := range []struct {
		name   string
		text   string
		header int
		want   []Drift
	}{
		{"one record per line", "h\na\nb\nc\n", 1, nil},
		{"blank line", "h\na\n\nb\nc\n", 1, []Drift{{Rec: 1, Delta: 1}}},
		{"quoted cell over two lines", "h,x\na,\"one\ntwo\"\nb,c\n", 1, []Drift{{Rec: 1, Delta: 1}}},
		{"title rows and CRLF blank", "title\n\nh\na\n\r\nb\n", 3, []Drift{{Rec: 1, Delta: 1}}},
		{"escaped quotes stay on the line", "h,x\na,\"say \"\"hi\"\"\"\nb,c\n", 1, nil},
		{"header cell over two lines", "h,\"x\n(€)\"\na,b\nc,d\n", 1, []Drift{{Rec: 0, Delta: 1}}},
		{"title row, header cell over three lines", "title\nh,\"x\ny\nz\"\na,b\n", 2, []Drift{{Rec: 0, Delta: 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.csv")
			os.WriteFile(p, []byte(tc.text), 0o600)
			got, err := LineDrift(p, tc.header, true)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
