package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/begira/begira/internal/browsertest"
)

// TestFirstRunInBrowser: a server started without the demo, from the setup
// link printed on its console to a mission with one imported project, all
// in the browser: the first administrator, the first-run page, the mission
// created from the Gipuzkoa template in one click, the import wizard that
// greets it, one project committed, the overview counting it.
func TestFirstRunInBrowser(t *testing.T) {
	t.Parallel()
	s, addr := startServe(t)
	base := "http://" + addr
	b := browsertest.New(t)

	if err := chromedp.Do(b.Ctx,
		chromedp.Navigate(base+"/setup?code="+s.setupCode+"&lang=en"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "root"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "root has a long password"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password2]`), "root has a long password"),
		chromedp.Submit(chromedp.CSS(`input[name=password2]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, `document.querySelector('h1') && document.querySelector('h1').textContent === 'Create your first mission'`, "the first-run page")
	b.Shot(t, "territory-firstrun.png")

	// One click on the template creates the mission and opens the wizard.
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`.template-choice button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, `location.pathname === '/m/gipuzkoa/imports' && !!document.querySelector('.welcome')`, "the import wizard of the new mission")
	welcome, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`.welcome`)))
	if err != nil || !strings.Contains(welcome, "Step 2 of 3: import its projects") {
		t.Errorf("the wizard's greeting: %q (%v)", welcome, err)
	}

	file := filepath.Join(t.TempDir(), "proyectos.csv")
	if err := os.WriteFile(file, []byte("ext_ref,title,pillars,level,status,municipality\nP-1,Auzo-baratzeak Añorgan,social_cohesion,community,active,20069\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#commit button[type=submit]`)),
		chromedp.Click(chromedp.CSS(`#commit button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview .result.ok`)),
	); err != nil {
		t.Fatal(err)
	}
	// The overview of a mission seen for the first time counts the project.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/m/gipuzkoa?lang=en")); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`.kpi[data-kpi="projects"] .kpi-value`)))
	if err != nil || n != "1" {
		t.Errorf("the overview counts %q projects (%v), want 1", n, err)
	}
	if f := b.ForeignRequests(addr); len(f) > 0 {
		t.Errorf("requests left the host: %q", f)
	}
}
