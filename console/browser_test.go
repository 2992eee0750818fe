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
	checkLogInOneLine(t, b, "/")
	addTopicProposals(src, time.Now())
	b.Open("/proposals")
	checkFilterCompact(t, b)
	checkLogInOneLine(t, b, "/proposals")
	if txt := b.Eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "Motion to fund the community dashboard") ||
		!strings.Contains(txt, "needs your decision") {
		t.Errorf("open proposals page shows:\n%.800s", txt)
	}
	b.Screenshot("proposals")
	for _, path := range []string{"/proposal/6", "/proposal/7", "/proposal/8"} {
		b.Open(path)
		b.Screenshot("proposal-" + path[len("/proposal/"):])
	}
	b.Open("/proposal/3")
	if txt := b.Eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "voting ended") || !strings.Contains(txt, "votebot voted Yes by rule") {
		t.Errorf("closed proposal page shows:\n%.800s", txt)
	}
	b.Screenshot("proposal-closed")
	b.Open("/history")
	b.Screenshot("history")
	if n := b.Eval(`String(document.querySelectorAll("form").length)`); n != "0" {
		t.Errorf("logged out, /history has %s forms", n)
	}

	// Log in, then decide proposal 4 for neuron 42 with its Yes button.
	b.Open("/login")
	b.Screenshot("login")
	checkLogInOneLine(t, b, "/login")
	b.Do("log in",
		chromedp.SendKeys(chromedp.ID("token"), testToken),
		chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.link`)), // "Log out"
	)
	var down int
	fmt.Sscan(b.Eval(`String(Math.round(document.querySelector("header button.link").getBoundingClientRect().top - document.querySelector("header .brand").getBoundingClientRect().top))`), &down)
	if down > 12 || down < -12 {
		t.Errorf("\"Log out\" sits %dpx off the header's line", down)
	}
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
	if got, want := src.recorded(), []decideCall{{"decide", "", 4, 42, nns.VoteYes}}; fmt.Sprint(got) != fmt.Sprint(want) {
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

// addTopicProposals adds an open proposal in each of twelve more topics: mainnet has a
// proposal open in most topics most of the time, and the filter must stay small.
func addTopicProposals(src *fakeSource, now time.Time) {
	src.mu.Lock()
	defer src.mu.Unlock()
	id := uint64(20)
	for _, topic := range nns.Topics() {
		if topic == nns.TopicUnspecified || id >= 32 {
			continue
		}
		src.props[propKey{"", id}] = &Proposal{ID: id, Topic: topic, Status: nns.ProposalStatusOpen, Title: "Proposal in " + topic.String(),
			Deadline: now.Add(time.Duration(id) * time.Hour), Ballots: []Ballot{{Neuron: 42, Alias: "main", Action: "skip", Reason: "rule skip"}}}
		id++
	}
}

// checkFilterCompact: on a phone, the topic filter takes at most an eighth of the first
// screen (844 px), with a proposal open in a dozen topics.
func checkFilterCompact(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	h := b.Eval(`String(Math.round(document.querySelector(".filters").getBoundingClientRect().height))`)
	var px int
	fmt.Sscan(h, &px)
	if px == 0 || px > 844/8 {
		t.Errorf("the topic filter is %spx high on an 844px phone screen, want at most %dpx", h, 844/8)
	}
	if top := b.Eval(`String(Math.round(document.querySelector("article.proposal").getBoundingClientRect().top))`); top == "" {
		t.Error("no proposal on the page")
	} else if fmt.Sscan(top, &px); px > 844/2 {
		t.Errorf("the first proposal starts %dpx down an 844px screen: the filter pushes it off the first screen", px)
	}
}

// checkLogInOneLine: every "Log in" link and button sets its words on one line, and the
// header's stays on the header's line (on a phone it used to drop to a second header row).
func checkLogInOneLine(t *testing.T, b *browsertest.Browser, page string) {
	t.Helper()
	wrapped := b.Eval(`(() => {
  const bad = [];
  for (const el of document.querySelectorAll("a, button")) {
    if (el.innerText.trim() !== "Log in") continue;
    const r = document.createRange();
    r.selectNodeContents(el);
    const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
    if (lines.size !== 1) bad.push(el.outerHTML + " on " + lines.size + " lines");
    const brand = document.querySelector("header .brand");
    if (el.closest("header") && Math.abs(el.getBoundingClientRect().top - brand.getBoundingClientRect().top) > 12)
      bad.push(el.outerHTML + " on its own header line, " + Math.round(el.getBoundingClientRect().top) + "px down");
  }
  return bad.join("; ");
})()`)
	if wrapped != "" {
		t.Errorf("%s: \"Log in\" wraps: %s", page, wrapped)
	}
}
