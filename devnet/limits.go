package devnet

import (
	"fmt"
	"time"

	"github.com/aviate-labs/agent-go/principal"
)

// The replica's limits on a canister's reply to an ingress message
// (IC resource limits: "maximum response size"): 2 MiB when the method
// runs replicated (an update call, or a query run through /call) and 3 MiB
// when it runs non-replicated (a /query). A reply over the limit is not
// truncated: the canister's ic0.msg_reply_data_append fails, the message
// traps, and the caller gets that reject instead of any data.
const (
	MaxReplicatedReplyBytes    = 2 << 20
	MaxNonReplicatedReplyBytes = 3 << 20
)

// ReplyLimits bound the size of a canister's Candid reply. Zero fields
// mean the replica's limits; tests lower them to cross a limit with
// small states.
type ReplyLimits struct {
	// Replicated bounds replies to /call (update calls, and queries run as
	// updates).
	Replicated int
	// NonReplicated bounds replies to /query.
	NonReplicated int
}

func (l ReplyLimits) withDefaults() ReplyLimits {
	if l.Replicated <= 0 {
		l.Replicated = MaxReplicatedReplyBytes
	}
	if l.NonReplicated <= 0 {
		l.NonReplicated = MaxNonReplicatedReplyBytes
	}
	return l
}

// check returns the replica's reject for a reply over the limit of kind
// (Query for /query, Update for /call), nil otherwise.
func (l ReplyLimits) check(id principal.Principal, kind MethodKind, reply []byte) *Reject {
	max := l.Replicated
	if kind == Query {
		max = l.NonReplicated
	}
	if len(reply) <= max {
		return nil
	}
	return rejectReplyTooLarge(id, len(reply), max)
}

// rejectReplyTooLarge is the replica's reject when a canister appends more
// reply data than allowed: a contract violation (reject code 5, IC0504).
func rejectReplyTooLarge(id principal.Principal, size, max int) *Reject {
	return &Reject{Code: RejectCanisterError, ErrorCode: "IC0504",
		Message: fmt.Sprintf("Error from Canister %s: Canister violated contract: "+
			"ic0.msg_reply_data_append: application payload size (%d) cannot be larger than %d.", id, size, max)}
}

// icNow is the replica's clock: the wall clock plus Config.ClockOffset.
// Everything a client sees of time (certificate time, query signature
// timestamps, ingress expiry checks) follows it.
func (s *Server) icNow() time.Time { return time.Now().Add(s.clockOffset) }
