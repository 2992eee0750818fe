package daemon

import (
	"context"
	"sync"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
)

// amLoops keeps one re-post loop (alert.Alertmanager.Run) per Alertmanager channel in use:
// Alertmanager ends an alert by itself at its endsAt unless the sender posts it again, so a
// channel without its loop would let a standing condition resolve there after four minutes.
type amLoops struct {
	log zerolog.Logger

	mu      sync.Mutex
	ctx     context.Context // Serve's; nil until it starts the loops
	running map[string]amLoop
	routes  []alert.Route // the channels in force
}

type amLoop struct {
	am   *alert.Alertmanager
	stop context.CancelFunc
}

// alertmanagers returns the Alertmanager channels of routes, by route name.
func alertmanagers(routes []alert.Route) map[string]*alert.Alertmanager {
	out := map[string]*alert.Alertmanager{}
	for _, r := range routes {
		if am, ok := r.Notifier.(*alert.Alertmanager); ok {
			out[r.Name] = am
		}
	}
	return out
}

// start runs the loops of the channels in force until ctx ends.
func (l *amLoops) start(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ctx = ctx
	l.sync()
}

// adopt hands the firing alerts of the channels in force to the channels of routes with the same
// name, before routes replace them (a reload), so they keep being re-posted.
func (l *amLoops) adopt(routes []alert.Route) {
	l.mu.Lock()
	old := alertmanagers(l.routes)
	l.mu.Unlock()
	for name, am := range alertmanagers(routes) {
		am.Adopt(old[name])
	}
}

// replace makes routes the channels in force: loops start for new channels and stop for
// channels no longer in use.
func (l *amLoops) replace(routes []alert.Route) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.routes = routes
	l.sync()
}

// sync starts and stops loops to match l.routes. Callers hold l.mu.
func (l *amLoops) sync() {
	if l.ctx == nil {
		return
	}
	want := alertmanagers(l.routes)
	for name, run := range l.running {
		if want[name] != run.am {
			run.stop()
			delete(l.running, name)
		}
	}
	if l.running == nil {
		l.running = map[string]amLoop{}
	}
	for name, am := range want {
		if _, ok := l.running[name]; ok {
			continue
		}
		ctx, stop := context.WithCancel(l.ctx)
		l.running[name] = amLoop{am: am, stop: stop}
		log := l.log.With().Str("channel", name).Logger()
		go am.Run(ctx, func(err error) {
			log.Warn().Err(err).Msg("re-post firing alerts to Alertmanager; next interval tries again")
		})
	}
}
