package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRefusalsSayTheCataloguesEnglish reads every portfolio.Refusef call of
// Begira's Go code: its key must be in the catalogues and its English
// format must be the key's English message word for word, so that the API
// (which writes the format) and the pages (which write the key's message)
// say the same refusal.
func TestRefusalsSayTheCataloguesEnglish(t *testing.T) {
	calls := 0
	for _, root := range []string{"..", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Refusef" || len(call.Args) < 3 {
					return true
				}
				calls++
				key, kerr := literal(call.Args[1])
				format, ferr := literal(call.Args[2])
				if kerr != nil || ferr != nil {
					t.Errorf("%s: Refusef with a key or format that is not a literal string", path)
					return true
				}
				if !strings.HasPrefix(key, "refusal.") {
					t.Errorf("%s: refusal key %q is not refusal.*", path, key)
				}
				if en, ok := catalogue["en"][key]; !ok {
					t.Errorf("%s: refusal key %q is not in the catalogues", path, key)
				} else if en != format {
					t.Errorf("%s: %s says %q in Go and %q in en.json", path, key, format, en)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if calls < 10 {
		t.Errorf("found %d Refusef calls, want the refusals of imports and decisions", calls)
	}
	for _, k := range Keys("refusal.") {
		for _, verb := range printfVerbs(catalogue["en"][k]) {
			if !strings.ContainsAny(verb, "sdq") {
				t.Errorf("%s: verb %s: the pages' scripts write %%s, %%d and %%q only", k, verb)
			}
		}
	}
}

func literal(e ast.Expr) (string, error) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", strconv.ErrSyntax
	}
	return strconv.Unquote(lit.Value)
}
