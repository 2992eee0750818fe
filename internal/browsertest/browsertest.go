// Package browsertest drives a headless Chromium for end-to-end tests of
// the console (the devnet test in daemon/). Only tests import it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Env is the variable scripts/test sets: with it, a missing Chromium fails
// the test instead of skipping it.
const Env = "VOTEBOT_BROWSER"

// Chromium returns Debian's chromium (or another Chrome) on PATH, and skips
// the test without one unless Env is 1.
func Chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(Env) == "1" {
		t.Fatalf("%s=1 but no chromium on PATH: run scripts/test-browser --install", Env)
	}
	t.Skipf("no chromium on PATH: the real-browser test is skipped (scripts/test-browser installs it)")
	return ""
}

// Browser is one headless Chromium tab with a 390×844 phone viewport, and
// the dialogs and console messages it saw.
type Browser struct {
	T       *testing.T
	Ctx     context.Context
	Base    string
	shots   string
	mu      sync.Mutex
	dialogs []string
	console []string
}

// New starts Chromium for base (the console's URL).
func New(t *testing.T, base string, timeout time.Duration) *Browser {
	t.Helper()
	exe := Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	b := &Browser{T: t, Ctx: ctx, Base: base, shots: os.Getenv("VOTEBOT_SCREENSHOTS")}
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

// Do runs steps, failing the test with what on error.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.T.Fatalf("%s: %v", what, err)
	}
}

// Eval evaluates a JavaScript expression that yields a string.
func (b *Browser) Eval(expr string) string {
	b.T.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.T.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Open loads path and checks it (Check).
func (b *Browser) Open(path string) {
	b.T.Helper()
	b.Do("open "+path, chromedp.Navigate(b.Base+path), chromedp.WaitVisible(chromedp.CSS("footer")))
	b.Check(path)
}

// Check checks what every page must hold on a phone: nothing wider than
// the screen, and no injected script ran (the hostile texts of the tests
// set window.__xss when they run).
func (b *Browser) Check(what string) {
	b.T.Helper()
	w, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		b.T.Fatalf("%s: scrollWidth: %v", what, err)
	}
	if w > 390 {
		b.T.Errorf("%s: the page is %dpx wide on a 390px screen: it overflows horizontally", what, w)
	}
	if x := b.Eval(`String(window.__xss)`); x != "undefined" {
		b.T.Errorf("%s: injected script ran (window.__xss = %s)", what, x)
	}
}

// Screenshot writes name.png to $VOTEBOT_SCREENSHOTS (or a temporary
// directory) and logs where.
func (b *Browser) Screenshot(name string) {
	b.T.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.T.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.T.Fatal(err)
	}
	b.T.Logf("screenshot %s", p)
}

// Console is every browser console message seen, for the test's log.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// Problems are the dialogs opened and the console errors seen (CSP
// violations, uncaught exceptions): each one a failure.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := append([]string(nil), b.dialogs...)
	for _, m := range b.console {
		if strings.HasPrefix(m, "error:") || strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Uncaught") {
			out = append(out, m)
		}
	}
	return out
}
