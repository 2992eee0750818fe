package governance

import (
	"fmt"
	"time"

	"github.com/votebot/votebot/internal/duration"
)

// ParseDuration parses a duration of a scenario file or the admin API (Go
// syntax extended with d and y, e.g. "4d", "182.625d", "2y", "1d12h"; see
// duration.Parse). Negative durations are refused: scenario times and
// neuron ages only go forward.
func ParseDuration(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
	}
	return d, nil
}
