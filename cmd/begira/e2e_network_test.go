package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// TestNetworkReads: the demo's network page draws a laid-out network (no
// simulation in the browser) coloured by thematic cluster with its 15
// anchors named; the search focuses a node and its neighbours; the toggle
// switches to the organisation network and back. The time from navigation
// to a drawn chart is reported, not asserted.
func TestNetworkReads(t *testing.T) {
	t.Parallel()
	_, addr := startDemo(t)
	b := browsertest.New(t)
	// Time to drawn charts, from navigation, with the overview (cold too)
	// as the baseline of the same run.
	draw := func(dash string) time.Duration {
		t.Helper()
		start := time.Now()
		if err := chromedp.Do(b.Ctx, chromedp.Navigate("http://"+addr+"/m/gipuzkoa/d/"+dash+"?lang=en")); err != nil {
			t.Fatal(err)
		}
		if _, err := b.WaitChartsDrawn(30 * time.Second); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	base, took := draw("overview"), draw("network")
	t.Logf("network page drawn in %s, overview in %s (%.1f× the overview; measured, not asserted)",
		took.Round(time.Millisecond), base.Round(time.Millisecond), float64(took)/float64(base))

	type shape struct {
		Layout      string
		Nodes       int
		Labelled    int
		Categories  []string
		First, Name string
		View        string
		Focused     string
		Output      string
	}
	read := `(() => {
	  const el = document.getElementById('chart-partners');
	  const s = echarts.getInstanceByDom(el).getOption().series[0];
	  const data = s.data || [];
	  const out = document.querySelector('form.network-tools output');
	  return {Layout: s.layout, Nodes: data.length, Labelled: data.filter(d => d.label && d.label.show).length,
	    Categories: (s.categories || []).map(c => c.name), First: data.length ? data[0].name : '',
	    Name: data.length > 40 ? data[40].name : '', View: el.dataset.view || '', Focused: el.dataset.focused || '',
	    Output: out ? out.textContent : ''};
	})()`
	get := func() shape {
		t.Helper()
		s, err := chromedp.Run(b.Ctx, chromedp.Evaluate[shape](read))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := get()
	if s.Layout != "none" || s.Nodes < 100 || s.Labelled != 15 || s.View != "projects" {
		t.Fatalf("project network: %+v", s)
	}
	if len(s.Categories) < 3 || !strings.HasPrefix(s.Categories[0], "Cluster 1: ") {
		t.Errorf("colours are not the thematic clusters: %q", s.Categories)
	}

	// Search: part of a node's code, in another case, focuses that node.
	ref := strings.Fields(s.Name)[0] // "PRJ-0123"
	wait := func(cond, what string) {
		t.Helper()
		if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond),
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v (%+v)", what, err, get())
		}
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`form.network-tools input[name=q]`), strings.ToLower(ref)),
		chromedp.Click(chromedp.CSS(`form.network-tools button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	wait(`(document.getElementById('chart-partners').dataset.focused || '').startsWith(`+jsString(ref)+`)`, "the searched node to be focused")
	if s := get(); !strings.Contains(s.Output, ref) {
		t.Errorf("the search says %q, want it to name %s", s.Output, ref)
	}

	// Toggle: the organisation network replaces the projects, then back.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`form.network-tools input[value=organisations]`))); err != nil {
		t.Fatal(err)
	}
	wait(`document.getElementById('chart-partners').dataset.view === 'organisations'`, "the organisation network")
	org := get()
	if org.Nodes == 0 || strings.HasPrefix(org.First, "PRJ-") || org.Layout != "none" || org.Labelled == 0 {
		t.Errorf("organisation network: %+v", org)
	}
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`form.network-tools input[value=projects]`))); err != nil {
		t.Fatal(err)
	}
	wait(`document.getElementById('chart-partners').dataset.view === 'projects'`, "the project network again")
	if back := get(); back.Nodes != s.Nodes || !strings.HasPrefix(back.First, "PRJ-") {
		t.Errorf("back to projects: %+v", back)
	}
}
