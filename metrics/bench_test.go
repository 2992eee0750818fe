package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// BenchmarkScrape1000x50 is one Prometheus scrape of the daemon's /metrics
// with 1,000 neurons × 50 open proposals: 50,000 votebot_neuron_voted
// series plus the per-neuron gauges.
func BenchmarkScrape1000x50(b *testing.B) {
	m := NewMetrics("bench", "abc")
	var ns []bot.NeuronConfig
	for i := range 1000 {
		ns = append(ns, bot.NeuronConfig{ID: uint64(10_000 + i), Alias: "n"})
	}
	m.SetNeurons(ns)
	for p := range 50 {
		prop := &policy.Proposal{ID: uint64(p + 1), Topic: nns.TopicSubnetManagement, Deadline: time.Unix(1_800_000_000, 0)}
		for _, nc := range ns {
			m.OpenBallot(prop, nc.ID, true, false)
		}
	}
	for _, nc := range ns {
		m.NeuronPower(nc.ID, 1e9, 1e9)
		m.NeuronRefreshed(nc.ID, time.Unix(1_800_000_000, 0))
		m.Participation(nc.ID, "30d", 1)
	}
	h := m.Handler()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip") // as Prometheus asks
	b.ReportAllocs()
	for b.Loop() {
		w := &countingWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		if w.n == 0 {
			b.Fatal("empty scrape")
		}
		b.ReportMetric(float64(w.n), "gzipped-bytes/op")
	}
}

// countingWriter is a ResponseWriter that only counts the body's bytes:
// httptest.ResponseRecorder would buffer the body and add its own
// allocations (0.7 MB a scrape) to the handler's.
type countingWriter struct {
	header http.Header
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}
