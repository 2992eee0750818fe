package agent

import (
	"sync"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/internal/candidfast"
)

// DecodeDropObserver is an optional interface of an Observer (checked by
// type assertion, so existing Observers keep compiling): it is told of
// every reply value the Candid opt rule dropped, i.e. a value under opt
// that does not fit votebot's Go type (typically a variant tag added to
// the governance interface after this build) and so decodes as null
// instead of failing the whole reply. The daemon counts them as
// votebot_decode_values_dropped_total{method,type}.
type DecodeDropObserver interface {
	// ObserveDecodeDropped reports one dropped value: method is the call's
	// label (e.g. list_proposals, manage_neuron.RegisterVote), goType the
	// Go type it did not fit (e.g. nns.Action), tag the variant tag that
	// type lacks (its name when known, else "#<hash>"), "" for any other
	// mismatch.
	ObserveDecodeDropped(method, goType, tag string)
}

// dropReporter reports dropped values to the Observer and logs one warning
// per method, Go type and tag.
type dropReporter struct {
	obs    Observer
	logger zerolog.Logger
	warned sync.Map // dropKey → struct{}
}

type dropKey struct{ method, goType, tag string }

func (r *dropReporter) report(method string, drops []candidfast.Drop) {
	if len(drops) == 0 || r == nil {
		return
	}
	o, _ := r.obs.(DecodeDropObserver)
	for _, d := range drops {
		if o != nil {
			o.ObserveDecodeDropped(method, d.GoType, d.Tag)
		}
		if _, seen := r.warned.LoadOrStore(dropKey{method, d.GoType, d.Tag}, struct{}{}); !seen {
			tag := d.Tag
			if tag == "" {
				tag = "(a value of another shape)"
			}
			r.logger.Warn().Str("method", method).Str("type", d.GoType).Str("tag", tag).
				Msg("a reply carries a value votebot does not know; it was read as absent (Candid opt rule): upgrade votebot")
		}
	}
}
