package daemon

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/votebot/votebot/console"
)

// consoleFollowees is the console's followee section: the records
// followee_unreliable is decided on (30 days, the configured threshold),
// weak first.
func (a *App) consoleFollowees(ctx context.Context, now time.Time) ([]console.Followee, error) {
	recs, err := a.Store.FolloweeRecords(ctx, now.Add(-30*24*time.Hour), a.Config().Alerts.Thresholds.FolloweeFallbacks)
	if err != nil {
		return nil, err
	}
	out := make([]console.Followee, 0, len(recs))
	for _, r := range recs {
		var better []string
		for _, c := range r.Better {
			better = append(better, fmt.Sprintf("%d (%d/%d)", c.Neuron, c.Voted, c.Of))
		}
		out = append(out, console.Followee{Neuron: r.Followee, Name: r.Name, Topic: r.TopicName, Voted: r.Voted,
			Proposals: r.Proposals, Fallbacks: r.Fallbacks, Weak: r.Weak, Better: strings.Join(better, ", ")})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weak && !out[j].Weak })
	return out, nil
}
