package console

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/votebot/votebot/nns"
)

// browserEnv is the variable scripts/test-browser sets: with it, a missing Chromium fails the
// test instead of skipping it.
const browserEnv = "VOTEBOT_BROWSER"

// findChromium returns Debian's chromium (or another Chrome) on PATH.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(browserEnv) == "1" {
		t.Fatalf("%s=1 but no chromium on PATH: run scripts/test-browser (it installs Debian's chromium)", browserEnv)
	}
	t.Skipf("no chromium on PATH: the real-browser test is skipped (scripts/test-browser installs chromium and runs it with %s=1)", browserEnv)
	return ""
}

// browser is one headless Chromium tab with a phone's viewport, and what it saw: dialogs
// (alert, confirm, prompt) and console messages such as CSP violations.
type browser struct {
	t       *testing.T
	ctx     context.Context
	base    string
	shots   string
	mu      sync.Mutex
	dialogs []string
	console []string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := findChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute) // generous: CI machines are shared
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })

	b := &browser{t: t, ctx: ctx, base: base, shots: os.Getenv("VOTEBOT_SCREENSHOTS")}
	if b.shots == "" {
		b.shots = t.TempDir()
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Type.String()+": "+ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m.String())
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// open loads path and checks what every page must hold on a phone: nothing wider than the
// screen, no injected script ran.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("footer")))
	b.checkPage(path)
}

func (b *browser) checkPage(path string) {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		b.t.Fatalf("%s: scrollWidth: %v", path, err)
	}
	if w > 390 {
		b.t.Errorf("%s: the page is %dpx wide on a 390px screen: it overflows horizontally", path, w)
	}
	if x := b.eval(`String(window.__xss)`); x != "undefined" {
		b.t.Errorf("%s: injected script ran (window.__xss = %s)", path, x)
	}
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

func TestBrowser(t *testing.T) {
	src := newFakeSource(time.Now().Truncate(time.Minute))
	h, err := New(Options{Source: src, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)

	b.open("/")
	b.screenshot("overview")
	b.open("/proposals")
	if txt := b.eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "Motion to fund the community dashboard") ||
		!strings.Contains(txt, "needs your decision") {
		t.Errorf("open proposals page shows:\n%.800s", txt)
	}
	b.screenshot("proposals")
	for _, path := range []string{"/proposal/6", "/proposal/7", "/proposal/8"} {
		b.open(path)
		b.screenshot("proposal-" + path[len("/proposal/"):])
	}
	b.open("/history")
	b.screenshot("history")
	if n := b.eval(`String(document.querySelectorAll("form").length)`); n != "0" {
		t.Errorf("logged out, /history has %s forms", n)
	}

	// Log in, then decide proposal 4 for neuron 42 with its Yes button.
	b.open("/login")
	b.do("log in",
		chromedp.SendKeys(chromedp.ID("token"), testToken),
		chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.link`)), // "Log out"
	)
	if loc := b.eval(`location.pathname`); loc != "/proposals" {
		t.Errorf("after login the browser is at %s, want /proposals", loc)
	}
	b.open("/proposal/4")
	b.screenshot("proposal-manual")
	yes42 := `//li[.//small[normalize-space()="42"]]//button[@value="yes"]`
	b.do("press Yes for neuron 42", chromedp.Click(yes42), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	b.checkPage("/proposal/4 after deciding")
	if notice := b.eval(`document.querySelector("p.notice").innerText`); !strings.Contains(notice, "Decision recorded") {
		t.Errorf("after pressing Yes the page says %q", notice)
	}
	if got, want := src.recorded(), []decideCall{{"decide", 4, 42, nns.VoteYes}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Decide calls %v, want %v", got, want)
	}
	if txt := b.eval(`document.querySelector("ul.ballots").innerText`); !strings.Contains(txt, "your decision: Yes") {
		t.Errorf("the decided ballot does not show the override:\n%s", txt)
	}
	b.screenshot("proposal-decided")

	// Logged in, the hostile pages carry forms too: still nothing runs, nothing overflows.
	for _, path := range []string{"/proposal/6", "/proposal/7", "/proposal/8", "/proposals"} {
		b.open(path)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.dialogs) > 0 {
		t.Errorf("dialogs opened (injected script ran): %q", b.dialogs)
	}
	for _, m := range b.console {
		if strings.HasPrefix(m, "error:") || strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Uncaught") {
			t.Errorf("browser console: %s", m)
		}
	}
	for _, m := range b.console {
		t.Logf("browser console: %s", m)
	}
}
