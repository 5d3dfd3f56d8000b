package main

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// TestRecordDecisionWithPickers records two decisions on the demo's first
// committee pack as a leader would, with the labelled pickers alone: a
// coverage cell chosen by its two labels, then a project found by its
// title, a signal cluster by its term and an organisation by its name.
// The API then holds them with the codes the pickers stood for.
func TestRecordDecisionWithPickers(t *testing.T) {
	t.Parallel()
	s, addr := startDemo(t)
	base := "http://" + addr
	b := browsertest.New(t)
	loginInBrowser(t, b, s, base, "chair", map[string]string{"gipuzkoa": "leader"})
	open := func() {
		t.Helper()
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/snapshots/1/pack"), chromedp.WaitVisible(chromedp.CSS(`#new-decision`))); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	// record picks the scope, lets pick choose the subject (it returns
	// what it chose, "" when it found nothing), writes why and submits.
	record := func(scope, pick, why string) string {
		t.Helper()
		open()
		if got := eval(`[...document.querySelectorAll('#new-decision label.pick')].filter(l => !l.hidden).length + ''`); got != "0" {
			t.Errorf("with scope mission, %s pickers are shown, want none", got)
		}
		eval(`(() => { const s = document.querySelector('#new-decision select[name=scope]'); s.value = '` + scope + `'; s.dispatchEvent(new Event('change')); return ''; })()`)
		if got := eval(`[...document.querySelectorAll('#new-decision label.pick')].filter(l => !l.hidden).map(l => l.dataset.scope).join()`); got != scope {
			t.Errorf("with scope %s, the pickers shown are %q", scope, got)
		}
		chosen := eval(pick)
		if chosen == "" {
			t.Fatalf("the %s picker offers nothing to choose", scope)
		}
		if err := chromedp.Do(b.Ctx,
			chromedp.SendKeys(chromedp.CSS(`#new-decision textarea[name=rationale]`), why),
			chromedp.Click(chromedp.CSS(`#new-decision button[type=submit]`)),
		); err != nil {
			t.Fatal(err)
		}
		// The script reloads the page once the API agrees: poll across the
		// reload (an evaluation may fail while the page is being replaced).
		shown := `!!document.body && [...document.querySelectorAll('td.rationale')].some(td => td.textContent.includes(` + jsString(why) + `))`
		deadline := time.Now().Add(20 * time.Second)
		for {
			if ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](shown)); err == nil && ok {
				break
			}
			if time.Now().After(deadline) {
				status, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href + ' | ' + ((document.querySelector('#new-decision .form-status') || {}).textContent || '')`))
				t.Fatalf("the decision %q did not appear in the log (%s)", why, status)
			}
			time.Sleep(100 * time.Millisecond)
		}
		return chosen
	}

	// A cell, chosen by the labels a committee reads.
	cell := record("cell", `(() => {
		const s = document.querySelector('#new-decision select[name=cell]');
		const o = [...s.options].find(o => o.textContent.startsWith('Social and climate adaptation × Policy and regulation'));
		if (!o) return '';
		s.value = o.value;
		return o.textContent;
	})()`, "Picked by its labels")
	// A project, found by a word of its title in the picker's list (as the
	// browser's suggestions do) and chosen from it.
	project := record("project", `(() => {
		const o = [...document.querySelectorAll('#pack-refs option')].find(o => o.textContent.includes('Green hydrogen valley'));
		if (!o) return '';
		const i = document.querySelector('#new-decision input[name=project]');
		i.value = o.value;
		return o.value;
	})()`, "Found by its title")
	// A signal cluster, the blind spot the picker offers first; an
	// organisation found by a word of its name.
	cluster := record("signal_cluster", `(() => {
		const s = document.querySelector('#new-decision select[name=signal_cluster]');
		const o = [...s.options].find(o => o.value !== '');
		if (!o || !o.textContent.includes('blind spot')) return '';
		s.value = o.value;
		return o.value;
	})()`, "Answer the drought signals")
	org := record("organisation", `(() => {
		const o = [...document.querySelectorAll('#pack-orgs option')].find(o => o.value.includes('Goikoetxea'));
		if (!o) return '';
		const i = document.querySelector('#new-decision input[name=organisation]');
		i.value = o.value;
		return o.value;
	})()`, "Invite the newcomer")
	t.Logf("picked %q, %q, %q and %q", cell, project, cluster, org)

	res, err := adminClient(t, s).Get(base + "/api/v1/missions/gipuzkoa/decisions")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var l struct {
		Items []struct{ Scope, Ref, Rationale string }
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"Picked by its labels": {"cell", "adaptation/regulation"}, "Found by its title": {"project", project},
		"Answer the drought signals": {"signal_cluster", cluster}, "Invite the newcomer": {"organisation", org}}
	for _, d := range l.Items {
		if w, ok := want[d.Rationale]; ok {
			if d.Scope != w[0] || d.Ref != w[1] {
				t.Errorf("decision %q is about %s %q, want %s %q", d.Rationale, d.Scope, d.Ref, w[0], w[1])
			}
			delete(want, d.Rationale)
		}
	}
	if len(want) > 0 {
		t.Errorf("decisions not recorded: %v", want)
	}
}

// TestDecisionRefusalInBasque: a decision about a project the snapshot
// does not hold is refused, and the Basque pack says which project and
// which snapshot in Basque (the API's key and arguments), not the English
// message nor only the code's general one.
func TestDecisionRefusalInBasque(t *testing.T) {
	s, addr := startDemo(t)
	base := "http://" + addr
	b := browsertest.New(t)
	loginInBrowser(t, b, s, base, "chair", map[string]string{"gipuzkoa": "leader"})
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa/snapshots/1/pack?lang=eu"), chromedp.WaitVisible(chromedp.CSS(`#new-decision`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`(() => {
		const s = document.querySelector('#new-decision select[name=scope]'); s.value = 'project'; s.dispatchEvent(new Event('change'));
		document.querySelector('#new-decision input[name=project]').value = 'NO-SUCH';
		return ''; })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#new-decision textarea[name=rationale]`), "Ez dago"),
		chromedp.Click(chromedp.CSS(`#new-decision button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	const want = `"NO-SUCH" proiektua ez dago 1 argazkian.`
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`(document.querySelector('#new-decision .form-status') || {}).textContent || ''`))
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the form says %q (%v), want %q", got, err, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
