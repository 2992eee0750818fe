package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/votebot/votebot/nns"
)

// TestSNSProposalPages: an SNS proposal is listed with its DAO named (the name is a stranger's
// text, escaped), under its own path, so that its number, which the NNS's motion shares, opens
// the right page; the DAO filter offers each governance.
func TestSNSProposalPages(t *testing.T) {
	e := newEnv(t, false, nil)
	list := e.get("/proposals").body
	for _, want := range []string{
		`href="/sns/` + snsRoot + `/proposal/4"`, `href="/proposal/4"`,
		`Open&lt;b&gt;Chat&lt;/b&gt;`, "TreasuryAssetManagement",
		`<select name="dao">`, `<option value="nns">NNS (5)</option>`, `<option value="` + snsRoot + `">Open&lt;b&gt;Chat&lt;/b&gt; (1)</option>`,
	} {
		if !strings.Contains(list, want) {
			t.Errorf("/proposals lacks %q", want)
		}
	}
	if strings.Contains(list, "<b>Chat") || strings.Contains(list, xssScript) {
		t.Error("/proposals: a DAO name or title reaches the page unescaped")
	}

	page := e.get("/sns/" + snsRoot + "/proposal/4")
	if page.status != http.StatusOK {
		t.Fatalf("SNS proposal page: %d\n%.500s", page.status, page.body)
	}
	for _, want := range []string{"Pay the auditors", "SNS <bdi>Open&lt;b&gt;Chat&lt;/b&gt;</bdi> · TreasuryAssetManagement",
		`href="https://nns.ic0.app/proposal/?u=` + snsRoot + `&amp;proposal=4"`,
		`href="https://dashboard.internetcomputer.org/sns/` + snsRoot + `/proposal/4"`,
		"sns-main", "0102030405060708", "of 90,000.00 voting power"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("SNS proposal page lacks %q", want)
		}
	}
	for _, bad := range []string{xssScript, xssImg, "<b>Chat", "Motion to fund", " ICP"} {
		if strings.Contains(page.body, bad) {
			t.Errorf("SNS proposal page holds %q", bad)
		}
	}
	if r := e.get("/sns/" + url.PathEscape("<x>") + "/proposal/4"); r.status != http.StatusNotFound {
		t.Errorf("a root that is not a principal: %d, want 404", r.status)
	}
	if r := e.get("/sns/" + snsRoot + "/proposal/5"); r.status != http.StatusNotFound {
		t.Errorf("the NNS's proposal 5 under the SNS: %d, want 404", r.status)
	}

	csrf := e.login(e.c)
	page = e.get("/sns/" + snsRoot + "/proposal/4")
	if !strings.Contains(page.body, `action="/sns/`+snsRoot+`/proposal/4/decide"`) {
		t.Fatalf("the SNS proposal's decision forms do not post under its path:\n%.2000s", page.body)
	}
	r := e.do(e.c, "POST", "/sns/"+snsRoot+"/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"72623859790382856"}, "vote": {"no"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("deciding the SNS proposal: %d\n%.500s", r.status, r.body)
	}
	want := decideCall{"decide", snsRoot, 4, 0x0102030405060708, nns.VoteNo}
	if got := e.src.recorded(); len(got) != 1 || got[0] != want {
		t.Fatalf("Source calls %v, want %v (the SNS's, not the NNS's proposal 4)", got, want)
	}
	if after := e.get("/sns/" + snsRoot + "/proposal/4?done=recorded").body; !strings.Contains(after, "your decision: No") {
		t.Error("after deciding, the SNS proposal does not show the decision")
	}
	if nnsPage := e.get("/proposal/4").body; strings.Contains(nnsPage, "your decision: ") {
		t.Error("deciding the SNS's proposal 4 changed the NNS's")
	}
}

// TestSNSNeuronOnOverview: an SNS neuron's card names its DAO (escaped), shows its short id and
// its voting power as voting power, not ICP, and no decay (an SNS has none).
func TestSNSNeuronOnOverview(t *testing.T) {
	e := newEnv(t, false, nil)
	body := e.get("/").body
	i := strings.Index(body, "Open&lt;b&gt;Chat&lt;/b&gt;")
	if i < 0 {
		t.Fatalf("the overview does not name the SNS neuron's DAO:\n%.3000s", body)
	}
	card := body[i:]
	card = card[:strings.Index(card, "</section>")]
	for _, want := range []string{"sns-main", "0102030405060708", "700.00 voting power", "66.7% (2/3)"} {
		if !strings.Contains(card, want) {
			t.Errorf("the SNS neuron's card lacks %q:\n%s", want, card)
		}
	}
	for _, bad := range []string{"ICP", "decay"} {
		if strings.Contains(card, bad) {
			t.Errorf("the SNS neuron's card speaks of %q:\n%s", bad, card)
		}
	}
}
