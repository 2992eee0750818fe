// Package demonet runs an in-process devnet (the IC HTTP interface and the
// simulated NNS governance canister) and plays a scenario against it: the
// substrate of `votebot demo` and of the bot's end-to-end tests.
package demonet

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"sort"
	"sync"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// Net is a running in-process devnet.
type Net struct {
	URL        string
	RootKeyHex string
	Gov        *governance.Canister
	srv        *devnet.Server
	cancel     context.CancelFunc
	done       chan error

	mu    sync.Mutex
	down  bool // simulate "all endpoints down"
	conns map[net.Conn]bool
}

// Start serves a devnet with a governance canister configured by cfg on a
// random localhost port.
func Start(ctx context.Context, cfg governance.Config, log zerolog.Logger) (*Net, error) {
	srv, err := devnet.New(devnet.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	gov, err := governance.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("governance: %w", err)
	}
	if err := srv.Install(gov); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("devnet listen: %w", err)
	}
	n := &Net{URL: "http://" + ln.Addr().String(), RootKeyHex: hex.EncodeToString(srv.RootKey()), Gov: gov, srv: srv,
		done: make(chan error, 1)}
	sctx, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	go func() { n.done <- srv.Serve(sctx, gate{n, ln}) }()
	go n.tick(sctx)
	return n, nil
}

// tick lets time-driven governance work (decisions, reward events) happen
// while nobody calls.
func (n *Net) tick(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n.Gov.Tick()
		}
	}
}

// SetDown makes every new connection fail (all endpoints down) or work.
func (n *Net) SetDown(down bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.down = down
	if down {
		for c := range n.conns {
			c.Close()
		}
		n.conns = map[net.Conn]bool{}
	}
}

func (n *Net) track(c net.Conn, live bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conns == nil {
		n.conns = map[net.Conn]bool{}
	}
	if live {
		n.conns[c] = true
	} else {
		delete(n.conns, c)
	}
}

func (n *Net) isDown() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.down
}

// gate is a listener that drops connections while the net is "down".
type gate struct {
	n *Net
	net.Listener
}

func (g gate) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if g.n.isDown() {
			c.Close()
			continue
		}
		g.n.track(c, true)
		return gateConn{c, g.n}, nil
	}
}

// gateConn breaks kept-alive connections once the net goes down.
type gateConn struct {
	net.Conn
	n *Net
}

var errDown = errors.New("demonet: endpoint down")

func (c gateConn) Read(b []byte) (int, error) {
	if c.n.isDown() {
		c.Conn.Close()
		return 0, errDown
	}
	return c.Conn.Read(b)
}

func (c gateConn) Close() error {
	c.n.track(c.Conn, false)
	return c.Conn.Close()
}

func (c gateConn) Write(b []byte) (int, error) {
	if c.n.isDown() {
		c.Conn.Close()
		return 0, errDown
	}
	return c.Conn.Write(b)
}

// Close stops the devnet.
func (n *Net) Close() error {
	n.cancel()
	err := <-n.done
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// Event is one scripted thing that happens at an offset from the start.
type Event struct {
	At   time.Duration
	Desc string
	Do   func(n *Net) error
}

// Play runs the events at their offsets from start until ctx ends or all
// ran. report receives each event's description (and error, if any).
func (n *Net) Play(ctx context.Context, start time.Time, events []Event, report func(Event, error)) {
	evs := append([]Event(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At < evs[j].At })
	for _, e := range evs {
		wait := time.Until(start.Add(e.At))
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		err := e.Do(n)
		if report != nil {
			report(e, err)
		}
	}
}

// Propose returns an event submitting a Motion proposal on topic.
func Propose(at time.Duration, proposer uint64, topic nns.Topic, title, summary string, ids *[]uint64) Event {
	return Event{At: at, Desc: fmt.Sprintf("%s proposal by %d: %s", topic, proposer, title), Do: func(n *Net) error {
		id, err := n.Gov.SubmitProposal(governance.ProposalSpec{Proposer: proposer, Topic: topic, Title: title,
			Summary: summary, Action: nns.Action{Motion: &nns.Motion{MotionText: summary}}})
		if err == nil && ids != nil {
			*ids = append(*ids, id)
		}
		return err
	}}
}

// VoteAs returns an event casting a direct vote as neuron on the proposal
// id resolves to at that moment.
func VoteAs(at time.Duration, neuron uint64, id func() uint64, v nns.Vote) Event {
	return Event{At: at, Desc: fmt.Sprintf("neuron %d votes %s", neuron, v), Do: func(n *Net) error {
		pid := id()
		if pid == 0 {
			return nil
		}
		err := n.Gov.CastVote(neuron, pid, v)
		var ge *nns.GovernanceError
		if errors.As(err, &ge) && ge.Type() == nns.ErrorTypeNeuronAlreadyVoted {
			return nil
		}
		return err
	}}
}

// RemoveHotKey returns an event removing p from a neuron's hotkeys.
func RemoveHotKey(at time.Duration, neuron uint64, p principal.Principal) Event {
	return Event{At: at, Desc: fmt.Sprintf("hotkey removed from neuron %d", neuron), Do: func(n *Net) error {
		return n.Gov.RemoveHotKey(neuron, p)
	}}
}
