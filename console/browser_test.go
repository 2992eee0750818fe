package console

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/votebot/votebot/internal/browsertest"
	"github.com/votebot/votebot/nns"
)

// TestBrowser drives a real headless Chromium on a 390×844 phone screen against the console
// with a fake source (scripts/test-browser installs chromium; VOTEBOT_BROWSER=1 makes a missing
// one fail): the pages, the hostile texts, login and a decision.
func TestBrowser(t *testing.T) {
	src := newFakeSource(time.Now().Truncate(time.Minute))
	h, err := New(Options{Source: src, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := browsertest.New(t, srv.URL, 4*time.Minute) // generous: CI machines are shared

	b.Open("/")
	b.Screenshot("overview")
	b.Open("/proposals")
	if txt := b.Eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "Motion to fund the community dashboard") ||
		!strings.Contains(txt, "needs your decision") {
		t.Errorf("open proposals page shows:\n%.800s", txt)
	}
	b.Screenshot("proposals")
	for _, path := range []string{"/proposal/6", "/proposal/7", "/proposal/8"} {
		b.Open(path)
		b.Screenshot("proposal-" + path[len("/proposal/"):])
	}
	b.Open("/history")
	b.Screenshot("history")
	if n := b.Eval(`String(document.querySelectorAll("form").length)`); n != "0" {
		t.Errorf("logged out, /history has %s forms", n)
	}

	// Log in, then decide proposal 4 for neuron 42 with its Yes button.
	b.Open("/login")
	b.Do("log in",
		chromedp.SendKeys(chromedp.ID("token"), testToken),
		chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.link`)), // "Log out"
	)
	if loc := b.Eval(`location.pathname`); loc != "/proposals" {
		t.Errorf("after login the browser is at %s, want /proposals", loc)
	}
	b.Open("/proposal/4")
	b.Screenshot("proposal-manual")
	yes42 := `//li[.//small[normalize-space()="42"]]//button[@value="yes"]`
	b.Do("press Yes for neuron 42", chromedp.Click(yes42), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	b.Check("/proposal/4 after deciding")
	if notice := b.Eval(`document.querySelector("p.notice").innerText`); !strings.Contains(notice, "Decision recorded") {
		t.Errorf("after pressing Yes the page says %q", notice)
	}
	if got, want := src.recorded(), []decideCall{{"decide", 4, 42, nns.VoteYes}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Decide calls %v, want %v", got, want)
	}
	if txt := b.Eval(`document.querySelector("ul.ballots").innerText`); !strings.Contains(txt, "your decision: Yes") {
		t.Errorf("the decided ballot does not show the override:\n%s", txt)
	}
	b.Screenshot("proposal-decided")

	// Logged in, the hostile pages carry forms too: still nothing runs, nothing overflows.
	for _, path := range []string{"/proposal/6", "/proposal/7", "/proposal/8", "/proposals"} {
		b.Open(path)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser: %s", p)
	}
	for _, m := range b.Console() {
		t.Logf("browser console: %s", m)
	}
}
