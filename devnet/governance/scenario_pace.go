package governance

import (
	"strconv"

	"github.com/votebot/votebot/devnet"
)

// parsePace reads a scenario's pace section:
//
//	pace:
//	  update_latency: 2s±500ms   # or 2s+-500ms; certified reply after it
//	  query_latency: 100ms
//	  exec_time: 1ms             # per update message, one at a time
//	  rate: 200                  # update calls/s per client; 429 over it
//	  burst: 200                 # default: one second's worth
//	  rate_key: ip               # ip (default) or sender
//
// Every key is optional; the whole section is off by default.
func parsePace(y ynode) (devnet.Pace, error) {
	var p devnet.Pace
	_, f, err := y.Fields("update_latency", "query_latency", "exec_time", "rate", "burst", "rate_key")
	if err != nil {
		return p, err
	}
	latencies := map[string]*devnet.Latency{"update_latency": &p.Update, "query_latency": &p.Query}
	for key, dst := range latencies {
		if v, ok := f[key]; ok {
			s, err := v.Str()
			if err != nil {
				return p, err
			}
			if *dst, err = devnet.ParseLatency(s); err != nil {
				return p, v.Errorf("%v", err)
			}
		}
	}
	if v, ok := f["exec_time"]; ok {
		if p.Exec, err = v.Duration(); err != nil {
			return p, err
		}
	}
	if v, ok := f["rate"]; ok {
		s, err := v.Str()
		if err != nil {
			return p, err
		}
		if p.Rate, err = strconv.ParseFloat(s, 64); err != nil {
			return p, v.Errorf("want a number of calls per second, got %q", s)
		}
	}
	if v, ok := f["burst"]; ok {
		n, err := v.Uint64()
		if err != nil {
			return p, err
		}
		if n > 1<<30 {
			return p, v.Errorf("burst %d is too large", n)
		}
		p.Burst = int(n)
	}
	if v, ok := f["rate_key"]; ok {
		if p.RateKey, err = v.Str(); err != nil {
			return p, err
		}
	}
	if err := p.Validate(); err != nil {
		return p, y.Errorf("%v", err)
	}
	return p, nil
}
