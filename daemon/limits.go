package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
)

// metaHeldLimits is the store's meta key under which the clients' held
// concurrency limits (agent.HeldLimit) outlive the process.
//
// They live in the store rather than in a file of their own: the store is
// the state votebot already keeps, locked to this process, written
// atomically, moved and backed up with the rest; a file beside it would be
// one more thing to create, lock and write safely.
const metaHeldLimits = "agent_held_limits"

// limitsSaveEvery is how often the held limits are written when they
// changed (they change only during bursts): a crash loses at most this
// much of what was learned.
const limitsSaveEvery = time.Minute

// heldLimits are the signed and the anonymous client's held limits.
type heldLimits struct {
	Signed    []agent.HeldLimit `json:"signed,omitempty"`
	Anonymous []agent.HeldLimit `json:"anonymous,omitempty"`
}

// metaStore is the part of the store the limits are kept in.
type metaStore interface {
	SetMeta(ctx context.Context, key, value string) error
	Meta(ctx context.Context, key string) (string, bool, error)
}

// restoreLimits starts new clients from the limits the last process saved,
// so that the first burst after a restart does not ramp from
// agent.DefaultInitialConcurrency again. What cannot be read is logged and
// skipped: the clients then ramp as before.
func restoreLimits(ctx context.Context, st metaStore, gov, anon *agent.Governance, log zerolog.Logger) {
	v, ok, err := st.Meta(ctx, metaHeldLimits)
	if err != nil || !ok {
		if err != nil {
			log.Warn().Err(err).Msg("concurrency limits of the last run unreadable: starting from the defaults")
		}
		return
	}
	var h heldLimits
	if err := json.Unmarshal([]byte(v), &h); err != nil {
		log.Warn().Err(err).Msg("concurrency limits of the last run unreadable: starting from the defaults")
		return
	}
	gov.StartFrom(h.Signed)
	anon.StartFrom(h.Anonymous)
}

// limitsSaver writes the clients' held limits to the store when they
// changed.
type limitsSaver struct {
	st      metaStore
	clients *clientSet
	last    string
}

// save writes the held limits if they changed since the last save.
func (s *limitsSaver) save(ctx context.Context) error {
	h := heldLimits{Signed: s.clients.gov.Load().HeldLimits(), Anonymous: s.clients.anon.Load().HeldLimits()}
	if len(h.Signed) == 0 && len(h.Anonymous) == 0 {
		return nil // nothing learned: keep what the last run saved
	}
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("concurrency limits: %w", err)
	}
	if string(b) == s.last {
		return nil
	}
	if err := s.st.SetMeta(ctx, metaHeldLimits, string(b)); err != nil {
		return fmt.Errorf("save concurrency limits: %w", err)
	}
	s.last = string(b)
	return nil
}

// run saves the held limits every limitsSaveEvery and once more when ctx
// ends.
func (s *limitsSaver) run(ctx context.Context, log zerolog.Logger) {
	t := time.NewTicker(limitsSaveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.save(sctx); err != nil {
				log.Warn().Err(err).Msg("concurrency limits not saved: the next start ramps from the defaults")
			}
			return
		case <-t.C:
			if err := s.save(ctx); err != nil {
				log.Warn().Err(err).Msg("concurrency limits not saved")
			}
		}
	}
}
