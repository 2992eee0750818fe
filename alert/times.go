package alert

import (
	"regexp"
	"time"
)

// TimeLayout is how a time reads where a person reads it: the console, the decision log of
// `votebot report --proposal`.
const TimeLayout = "2006-01-02 15:04 UTC"

// rfc3339 finds the timestamps the policy writes into its reasons ("fallback yes at
// 2026-12-04T10:00:00Z").
var rfc3339 = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`)

// ReadableTimes rewrites the RFC 3339 times in s as TimeLayout in UTC.
func ReadableTimes(s string) string {
	return rfc3339.ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse(time.RFC3339Nano, m)
		if err != nil {
			return m
		}
		return t.UTC().Format(TimeLayout)
	})
}
