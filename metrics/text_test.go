package metrics

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"
)

// WriteText must say exactly what the collector says through a registry:
// random ballots, removals and topic changes, hostile aliases.
func TestVotedWriteTextMatchesCollect(t *testing.T) {
	aliases := []string{"main", `a "quoted" alias`, `back\slash`, "new\nline", "ünïcode", ""}
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 7))
		c := newVotedCollector("votebot_neuron_voted", "1 if filled, 0 if empty.")
		alias := func(n uint64) string { return aliases[n%uint64(len(aliases))] }
		// Two lanes whose numbers overlap; the SNS's neurons in hex.
		lanes := []*votedLane{c.lane("nns", itoa, alias), c.lane(`Open"Chat`, sns.FormatShortID, alias)}
		topics := []string{"Governance", "SubnetManagement"}
		for range r.IntN(300) {
			p, n, l := uint64(r.IntN(8)), uint64(1000+r.IntN(20)), lanes[r.IntN(2)]
			switch r.IntN(10) {
			case 0:
				l.remove(p, n)
			case 1:
				l.deleteProposal(p)
			default:
				l.set(p, topics[r.IntN(2)], n, r.IntN(2) == 0)
			}
		}
		checkTextMatchesCollect(t, c, seed)
	}
}

func TestHandlerServesEveryFamily(t *testing.T) {
	m := NewMetrics("test", "abc")
	m.SetNeurons([]bot.NeuronConfig{{ID: 1, Alias: "n1"}, {ID: 2, Alias: "n2"}})
	p := &policy.Proposal{ID: 7, Topic: nns.TopicGovernance, Deadline: time.Unix(1_800_000_000, 0)}
	m.OpenBallot(p, 1, false, false)
	m.OpenBallot(p, 2, true, false)
	m.NeuronPower(1, 5, 6)
	m.NeuronRefreshed(1, time.Unix(1_700_000_000, 0))
	m.PollSucceeded(time.Unix(1_800_000_000, 0))
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	for _, gz := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = resp.Body
		if gz {
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("gzip asked for, Content-Encoding %q", resp.Header.Get("Content-Encoding"))
			}
			if body, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		}
		b, err := io.ReadAll(body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("Content-Type %q", ct)
		}
		fams := parseText(t, string(b))
		for _, name := range []string{"votebot_neuron_voted", "votebot_build_info", "votebot_proposal_deadline_timestamp_seconds",
			"votebot_last_successful_poll_timestamp_seconds", "go_goroutines", "votebot_neuron_deciding_voting_power",
			"votebot_neuron_voting_power_refreshed_timestamp_seconds"} {
			if fams[name] == nil {
				t.Errorf("gzip %v: /metrics lacks %s", gz, name)
			}
		}
		if n := len(fams["votebot_neuron_voted"].GetMetric()); n != 2 {
			t.Errorf("gzip %v: %d votebot_neuron_voted series, want 2 (2 neurons × 1 open proposal)", gz, n)
		}
	}
}

// textWriter is a collector /metrics writes directly.
type textWriter interface {
	prometheus.Collector
	WriteText(io.Writer) error
}

// checkTextMatchesCollect fails unless c's WriteText says exactly what its
// Collect says through a pedantic registry (series order aside).
func checkTextMatchesCollect(t *testing.T, c textWriter, seed uint64) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	want, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := c.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	got := parseText(t, buf.String())
	if len(got) != len(want) {
		t.Fatalf("seed %d: WriteText wrote %d families, Collect %d:\n%s", seed, len(got), len(want), buf.String())
	}
	for _, w := range want {
		if g := got[w.GetName()]; g == nil || !proto.Equal(sortSeries(g), sortSeries(w)) {
			t.Fatalf("seed %d: %s: WriteText\n%s\nwant %v", seed, w.GetName(), buf.String(), w)
		}
	}
}

// sortSeries orders a family's series by their labels: the exposition
// says nothing about order, the registry sorts by label values.
func sortSeries(mf *dto.MetricFamily) *dto.MetricFamily {
	key := func(m *dto.Metric) string {
		var sb strings.Builder
		for _, l := range m.GetLabel() {
			sb.WriteString(l.GetName() + "=" + l.GetValue() + "\x00")
		}
		return sb.String()
	}
	slices.SortFunc(mf.Metric, func(a, b *dto.Metric) int { return strings.Compare(key(a), key(b)) })
	return mf
}

func parseText(t *testing.T, s string) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse exposition: %v\n%s", err, s)
	}
	return fams
}
