package policy

import (
	"strconv"

	"github.com/votebot/votebot/nns"
)

// icpString writes voting power in e8s as whole ICP with thousands
// separators ("112,574,437 ICP"): reasons are read by people, and a tally
// of 11257443750449178 e8s says nothing at a glance. Under 1 ICP it keeps
// 4 decimals so a small tally is not shown as 0.
func icpString(e8s uint64) string {
	if e8s > 0 && e8s < 1e8 {
		return strconv.FormatFloat(float64(e8s)/1e8, 'f', 4, 64) + " ICP"
	}
	return nns.GroupThousands(e8s/1e8) + " ICP"
}
