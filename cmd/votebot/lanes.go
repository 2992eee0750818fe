package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// snsLane is one SNS DAO as the commands that read the state find it: its
// store file beside the NNS one, its name and token, and the neurons the
// configuration names in it (a discovered DAO may name none).
type snsLane struct {
	Root   string
	Name   string // display name; the root when nothing names it
	Symbol string // the DAO's token; "" when its store does not say
	Path   string // its store file
	// Neurons are the configured neurons by short id, alias and hex id.
	Neurons []bot.NeuronConfig
	Facts   store.SNSFacts
}

// findSNSLanes lists the configured DAOs, then every other SNS store file
// beside the NNS store (a discovered DAO), ordered by name. A lane whose file
// does not exist yet is listed with its configured facts: the daemon creates
// the file on its first poll.
func findSNSLanes(ctx context.Context, nnsStore string, daos []config.DAO) ([]snsLane, error) {
	var lanes []snsLane
	seen := map[string]bool{}
	for _, d := range daos {
		l := snsLane{Root: d.Root, Name: d.Name, Path: daemon.LaneStorePath(nnsStore, d.Root),
			Neurons: daemon.SNSNeuronConfigs(d.Neurons)}
		seen[d.Root] = true
		lanes = append(lanes, l)
	}
	if nnsStore != "" {
		files, err := daemon.LaneStores(nnsStore)
		if err != nil {
			return nil, err
		}
		roots := slices.Sorted(maps.Keys(files))
		for _, root := range roots {
			if !seen[root] {
				seen[root] = true
				lanes = append(lanes, snsLane{Root: root, Path: files[root]})
			}
		}
	}
	for i := range lanes {
		if err := lanes[i].readFacts(ctx); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(lanes, func(a, b snsLane) int { return strings.Compare(a.Name, b.Name) })
	return lanes, nil
}

// readFacts fills the name and symbol from the lane's store, when it has one.
func (l *snsLane) readFacts(ctx context.Context) error {
	defer func() {
		if l.Name == "" {
			l.Name = l.Root
		}
	}()
	st, err := l.open(ctx)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	f, ok, err := st.SNSFacts(ctx)
	if err != nil || !ok {
		return err
	}
	l.Facts = f
	if l.Name == "" {
		l.Name = f.Name
	}
	l.Symbol = f.Symbol
	return nil
}

// open opens the lane's store; os.ErrNotExist when the daemon has not
// created it (reading must not create one).
func (l snsLane) open(ctx context.Context) (*store.Store, error) {
	if _, err := os.Stat(l.Path); err != nil {
		return nil, fmt.Errorf("%s state database: %w", l.Name, err)
	}
	st, err := store.Open(ctx, l.Path)
	if err != nil {
		return nil, fmt.Errorf("%s state database: %w", l.Name, err)
	}
	return st, nil
}

// neuron is the configured neuron with this short id, or one named by the
// short id alone.
func (l snsLane) neuron(short uint64) bot.NeuronConfig {
	for _, n := range l.Neurons {
		if n.ID == short {
			return n
		}
	}
	// SNSID marks it an SNS neuron, so Label prints the 16 hex digits.
	return bot.NeuronConfig{ID: short, SNSID: sns.FormatShortID(short)}
}

// matches reports whether s names the lane: its name (any case) or root.
func (l snsLane) matches(s string) bool {
	return s == l.Root || strings.EqualFold(s, l.Name)
}

// pickLane is the lane --dao names.
func pickLane(lanes []snsLane, dao string) (snsLane, error) {
	var names []string
	for _, l := range lanes {
		if l.matches(dao) {
			return l, nil
		}
		names = append(names, l.Name)
	}
	if len(names) == 0 {
		return snsLane{}, fmt.Errorf("--dao %q: no SNS DAO is configured or has a state database", dao)
	}
	return snsLane{}, fmt.Errorf("--dao %q: not a known DAO (known: %s)", dao, strings.Join(names, ", "))
}
