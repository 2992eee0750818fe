package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

func newVoteCmd(s Streams) *cobra.Command {
	var configPath, neuronFlag, dao string
	var clear bool
	cmd := &cobra.Command{
		Use:   "vote PROPOSAL yes|no [--neuron N] --config FILE\n  votebot vote PROPOSAL --clear [--neuron N] --config FILE",
		Short: "Decide a proposal by hand: the running bot casts it on its next pass",
		Long: `Store a manual decision (an override) that wins over every rule, for one
neuron (--neuron) or for every configured neuron. The running daemon picks it up
on its next poll and votes; "votebot plan" shows it, "votebot overrides" lists
them and --clear removes one.

The proposal must be open (votebot asks the network; when it cannot, it warns
and stores the decision anyway) and the neuron configured.

With --dao (an SNS's name or root canister id) the proposal and the neuron are
that DAO's: the neuron by alias, by its 16-hex short id or by its hex id, and
the decision is stored in the DAO's own state database.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || id == 0 {
				return fmt.Errorf("vote: proposal id %q: want a positive number", args[0])
			}
			cfg, err := loadConfigFile(s.Err, configPath)
			if err != nil {
				return err
			}
			if dao != "" {
				return voteSNS(cmd.Context(), s, cfg, dao, id, neuronFlag, clear, args)
			}
			var neuron uint64
			if neuronFlag != "" {
				if neuron, err = strconv.ParseUint(neuronFlag, 10, 64); err != nil {
					return fmt.Errorf("vote: --neuron %q: want an NNS neuron id (an SNS neuron needs --dao)", neuronFlag)
				}
			}
			if _, ok := configuredNeuron(cfg, neuron); neuron != 0 && !ok {
				return fmt.Errorf("vote: neuron %d is not configured in %s: votebot votes only for its neurons", neuron, configPath)
			}
			if clear {
				if len(args) != 1 {
					return fmt.Errorf("vote: --clear takes the proposal only, not %q", args[1])
				}
				return clearOverride(cmd.Context(), s.Out, cfg, id, neuron)
			}
			if len(args) != 2 {
				return fmt.Errorf("vote: say yes or no (or --clear)")
			}
			v, err := parseVote(args[1])
			if err != nil {
				return err
			}
			if err := checkOpen(cmd.Context(), s.Err, cfg, id, neuron); err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), cfg.Store.Path)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.SetOverride(cmd.Context(), id, neuron, v, "votebot vote"); err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.Out, "Stored: %s on proposal %d for %s.\n%s\n", v, id, whom(neuron), daemonStatus(cmd.Context(), cfg))
			return err
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().StringVar(&neuronFlag, "neuron", "", "only this neuron (default: every configured neuron); with --dao its alias, short id or hex id")
	cmd.Flags().StringVar(&dao, "dao", "", "decide a proposal of this SNS DAO (its name or root canister id) instead of the NNS")
	cmd.Flags().BoolVar(&clear, "clear", false, "remove the stored decision instead (the rules decide again)")
	return cmd
}

func parseVote(s string) (nns.Vote, error) {
	switch strings.ToLower(s) {
	case "yes", "y":
		return nns.VoteYes, nil
	case "no", "n":
		return nns.VoteNo, nil
	}
	return nns.VoteUnspecified, fmt.Errorf("vote: %q: want yes or no", s)
}

func whom(neuron uint64) string {
	if neuron == 0 {
		return "every neuron"
	}
	return fmt.Sprintf("neuron %d", neuron)
}

// checkOpen refuses a proposal that does not exist, no longer takes votes,
// or whose ballots (for neuron, 0: every configured one) are all filled.
// When the hotkey cannot be read (`sudo votebot vote` without the systemd
// credential) it asks anonymously, which tells whether the proposal is
// open but not the ballots. When the network cannot be asked it warns on w
// and lets the decision be stored: the operator may be deciding during an
// outage.
func checkOpen(ctx context.Context, w io.Writer, cfg *config.Config, id, neuron uint64) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p, err := readProposalState(ctx, cfg, id, neuron)
	if errors.Is(err, daemon.ErrIdentity) {
		fmt.Fprintf(w, "note: %v\n  checking proposal %d anonymously (a read-only query needs no key); whether its ballots are filled is not known\n", err, id)
		p, err = readProposalAnonymously(ctx, cfg, id)
	}
	switch {
	case err != nil:
		fmt.Fprintf(w, "warning: could not check that proposal %d is open (%v); storing the decision anyway\n", id, err)
		return nil
	case p == nil:
		return fmt.Errorf("vote: proposal %d does not exist on the network", id)
	case !p.open:
		return fmt.Errorf("vote: proposal %d is not open: voting ended %s", id, p.deadline.UTC().Format(alert.TimeLayout))
	case p.filled:
		return fmt.Errorf("vote: the ballot of %s on proposal %d is already cast: a decision changes nothing", whom(neuron), id)
	}
	return nil
}

// readProposalState asks with the hotkey: open, and are the ballots filled.
func readProposalState(ctx context.Context, cfg *config.Config, id, neuron uint64) (*proposalState, error) {
	gov, err := daemon.Connect(ctx, cfg, zerolog.Nop(), nil)
	if err != nil {
		return nil, err
	}
	p, err := daemon.AgentGov{C: gov}.Proposal(ctx, id)
	if err != nil || p == nil {
		return nil, err
	}
	ps := &proposalState{open: !p.VotingEnded(time.Now()),
		deadline: p.Deadline, filled: true}
	for _, n := range cfg.Neurons {
		if neuron != 0 && n.ID != neuron {
			continue
		}
		if b, ok := p.Ballots.Get(n.ID); !ok || b.Vote == nns.VoteUnspecified {
			ps.filled = false
		}
	}
	return ps, nil
}

// readProposalAnonymously asks without a key: open or not (an anonymous
// answer carries no ballots).
func readProposalAnonymously(ctx context.Context, cfg *config.Config, id uint64) (*proposalState, error) {
	gov, err := daemon.ConnectAnonymous(ctx, cfg, zerolog.Nop())
	if err != nil {
		return nil, err
	}
	p, err := daemon.AgentGov{C: gov}.Proposal(ctx, id)
	if err != nil || p == nil {
		return nil, err
	}
	return &proposalState{open: !p.VotingEnded(time.Now()),
		deadline: p.Deadline}, nil
}

type proposalState struct {
	open, filled bool
	deadline     time.Time
}

// daemonStatus says whether a daemon answers on the configured listen
// address, and so when the decision is voted.
func daemonStatus(ctx context.Context, cfg *config.Config) string {
	url := daemonURL(cfg.Listen) + "/healthz"
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err == nil {
		var resp *http.Response
		if resp, err = http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return fmt.Sprintf("votebot is running (%s answers): it votes at its next pass, within %s.", url, cfg.PollInterval)
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
	}
	return fmt.Sprintf("No votebot daemon answers on %s (%v): the decision is voted when `votebot run` starts.", url, err)
}

// clearOverride removes a stored decision and says whether there was one.
func clearOverride(ctx context.Context, w io.Writer, cfg *config.Config, id, neuron uint64) error {
	if _, err := os.Stat(cfg.Store.Path); err != nil {
		_, err = fmt.Fprintf(w, "No decision stored for proposal %d (no state database at %s).\n", id, cfg.Store.Path)
		return err
	}
	st, err := store.Open(ctx, cfg.Store.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	deleted, err := st.DeleteOverride(ctx, id, neuron)
	if err != nil {
		return err
	}
	if !deleted {
		_, err = fmt.Fprintf(w, "No decision stored for proposal %d for %s; nothing to clear (votebot overrides lists them).\n", id, whom(neuron))
		return err
	}
	_, err = fmt.Fprintf(w, "Cleared the decision on proposal %d for %s: the rules decide it again at the next pass.\n", id, whom(neuron))
	return err
}

// configuredNeuron is the configured neuron with this id.
func configuredNeuron(cfg *config.Config, id uint64) (config.Neuron, bool) {
	for _, n := range cfg.Neurons {
		if n.ID == id {
			return n, true
		}
	}
	return config.Neuron{}, false
}
