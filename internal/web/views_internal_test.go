package web

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"text/template/parse"
)

// viewOf names the view each page template renders: the entry template
// ("layout", or the pack's own document) is walked with that type.
var viewOf = map[string]struct {
	entry string
	view  any
}{
	"home": {"layout", homeView{}}, "newmission": {"layout", newMissionView{}}, "login": {"layout", page{}},
	"setup": {"layout", page{}}, "error": {"layout", page{}},
	"dashboard": {"layout", dashboardView{}}, "metrics": {"layout", metricsView{}},
	"projects": {"layout", projectListView{}}, "organisations": {"layout", organisationListView{}},
	"signals": {"layout", signalListView{}}, "links": {"layout", linkListView{}},
	"project": {"layout", projectView{}}, "organisation": {"layout", organisationView{}}, "signal": {"layout", signalView{}},
	"imports": {"layout", importsView{}}, "jobs": {"layout", jobsView{}},
	"snapshots": {"layout", snapshotsView{}}, "diff": {"layout", diffPageView{}}, "pack": {"pack-document", packView{}},
	"digest": {"layout", digestPageView{}}, "decisions": {"layout", decisionsView{}},
	"users": {"layout", usersView{}}, "tokens": {"layout", tokensView{}}, "audit": {"layout", auditView{}},
}

// TestTemplatesFitTheirViews walks every branch of every page template
// with the type of its view and fails for a field or method the view does
// not have: template execution would fail only when the branch is taken.
func TestTemplatesFitTheirViews(t *testing.T) {
	t.Parallel()
	ps := mustParsePages()
	for name := range ps.byName {
		v, ok := viewOf[name]
		if !ok {
			t.Errorf("template %s has no view in viewOf", name)
			continue
		}
		w := &viewWalker{tmpl: func(n string) *parse.Tree {
			if tt := ps.byName[name].Lookup(n); tt != nil {
				return tt.Tree
			}
			return nil
		}, seen: map[string]bool{}}
		w.template(v.entry, reflect.PointerTo(reflect.TypeOf(v.view)))
		for _, e := range w.errs {
			t.Errorf("%s: %s", name, e)
		}
	}
}

type viewWalker struct {
	tmpl func(string) *parse.Tree
	seen map[string]bool
	errs []string
}

func (w *viewWalker) template(name string, dot reflect.Type) {
	key := fmt.Sprint(name, dot)
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	tr := w.tmpl(name)
	if tr == nil || tr.Root == nil {
		return
	}
	w.list(tr.Root, dot, map[string]reflect.Type{"$": dot}, name)
}

func (w *viewWalker) list(l *parse.ListNode, dot reflect.Type, vars map[string]reflect.Type, where string) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		w.node(n, dot, vars, where)
	}
}

func copyVars(v map[string]reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, len(v))
	for k, t := range v {
		out[k] = t
	}
	return out
}

func (w *viewWalker) node(n parse.Node, dot reflect.Type, vars map[string]reflect.Type, where string) {
	switch n := n.(type) {
	case *parse.ActionNode:
		w.pipe(n.Pipe, dot, vars, where)
	case *parse.IfNode:
		w.pipe(n.Pipe, dot, vars, where)
		w.list(n.List, dot, copyVars(vars), where)
		w.list(n.ElseList, dot, copyVars(vars), where)
	case *parse.WithNode:
		inner := copyVars(vars)
		t := w.pipe(n.Pipe, dot, inner, where)
		w.list(n.List, t, inner, where)
		w.list(n.ElseList, dot, copyVars(vars), where)
	case *parse.RangeNode:
		inner := copyVars(vars)
		t := w.pipe(n.Pipe, dot, nil, where)
		var elem, key reflect.Type
		if t != nil {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			switch t.Kind() {
			case reflect.Slice, reflect.Array:
				key, elem = reflect.TypeOf(0), t.Elem()
			case reflect.Map:
				key, elem = t.Key(), t.Elem()
			}
		}
		switch len(n.Pipe.Decl) {
		case 1:
			inner[n.Pipe.Decl[0].Ident[0]] = elem
		case 2:
			inner[n.Pipe.Decl[0].Ident[0]], inner[n.Pipe.Decl[1].Ident[0]] = key, elem
		}
		w.list(n.List, elem, inner, where)
		w.list(n.ElseList, dot, copyVars(vars), where)
	case *parse.TemplateNode:
		var t reflect.Type
		if n.Pipe != nil {
			t = w.pipe(n.Pipe, dot, vars, where)
		}
		if t != nil {
			w.template(n.Name, t)
		}
	}
}

// pipe checks a pipeline and returns its type (nil when unknown); its
// declared variables go into vars.
func (w *viewWalker) pipe(p *parse.PipeNode, dot reflect.Type, vars map[string]reflect.Type, where string) reflect.Type {
	if p == nil {
		return nil
	}
	var t reflect.Type
	for _, c := range p.Cmds {
		t = w.command(c, dot, vars, where)
	}
	if vars != nil {
		for _, d := range p.Decl {
			vars[d.Ident[0]] = t
		}
	}
	return t
}

func (w *viewWalker) command(c *parse.CommandNode, dot reflect.Type, vars map[string]reflect.Type, where string) reflect.Type {
	var t reflect.Type
	for i, a := range c.Args {
		at := w.arg(a, dot, vars, where)
		if i == 0 {
			t = at
		}
	}
	if len(c.Args) > 0 {
		if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
			switch id.Ident {
			case "printf", "join", "asset":
				return reflect.TypeOf("")
			case "list":
				return reflect.TypeOf([]string{})
			}
			return nil
		}
	}
	return t
}

func (w *viewWalker) arg(a parse.Node, dot reflect.Type, vars map[string]reflect.Type, where string) reflect.Type {
	switch a := a.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return w.chain(dot, a.Ident, a.String(), where)
	case *parse.VariableNode:
		t, ok := vars[a.Ident[0]]
		if !ok || t == nil {
			return nil
		}
		return w.chain(t, a.Ident[1:], a.String(), where)
	case *parse.ChainNode:
		var t reflect.Type
		if p, ok := a.Node.(*parse.PipeNode); ok {
			t = w.pipe(p, dot, nil, where)
		} else {
			t = w.arg(a.Node, dot, vars, where)
		}
		if t == nil {
			return nil
		}
		return w.chain(t, a.Field, a.String(), where)
	case *parse.PipeNode:
		return w.pipe(a, dot, copyVars(vars), where)
	case *parse.StringNode:
		return reflect.TypeOf("")
	}
	return nil
}

// chain resolves .A.B on t as template execution would: methods (on the
// pointer too), fields (promoted ones included), map keys.
func (w *viewWalker) chain(t reflect.Type, names []string, text, where string) reflect.Type {
	for _, n := range names {
		if t == nil {
			return nil
		}
		if m, ok := reflect.PointerTo(t).MethodByName(n); ok && t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
			t = m.Type.Out(0)
			continue
		}
		if m, ok := t.MethodByName(n); ok {
			if t.Kind() == reflect.Interface {
				t = m.Type.Out(0)
			} else {
				t = m.Type.Out(0)
			}
			continue
		}
		base := t
		for base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		if m, ok := reflect.PointerTo(base).MethodByName(n); ok {
			t = m.Type.Out(0)
			continue
		}
		switch base.Kind() {
		case reflect.Struct:
			f, ok := base.FieldByName(n)
			if !ok || !f.IsExported() {
				w.errs = append(w.errs, fmt.Sprintf("%s: %s has no field or method %s (%s)", where, base, n, text))
				return nil
			}
			t = f.Type
		case reflect.Map:
			t = base.Elem()
		case reflect.Interface:
			return nil
		default:
			w.errs = append(w.errs, fmt.Sprintf("%s: %s has no field or method %s (%s)", where, base, n, text))
			return nil
		}
	}
	if t != nil && strings.HasPrefix(t.String(), "interface") {
		return nil
	}
	return t
}
