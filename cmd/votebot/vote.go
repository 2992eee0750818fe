package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

func newVoteCmd(s Streams) *cobra.Command {
	var configPath string
	var neuron uint64
	cmd := &cobra.Command{
		Use:   "vote PROPOSAL yes|no [--neuron N] --config FILE",
		Short: "Decide a proposal by hand: the running bot casts it on its next pass",
		Long: `Store a manual decision (an override) that wins over every rule, for one
neuron (--neuron) or for every configured neuron. The running daemon picks it up
on its next poll and votes; "votebot plan" shows it.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("vote: proposal id %q: want a number", args[0])
			}
			var v nns.Vote
			switch strings.ToLower(args[1]) {
			case "yes", "y":
				v = nns.VoteYes
			case "no", "n":
				v = nns.VoteNo
			default:
				return fmt.Errorf("vote: %q: want yes or no", args[1])
			}
			cfg, err := config.Load(configPath)
			if err != nil {
				return err
			}
			if neuron != 0 && !configured(cfg, neuron) {
				return fmt.Errorf("vote: neuron %d is not in %s", neuron, configPath)
			}
			st, err := store.Open(cmd.Context(), cfg.Store.Path)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.SetOverride(cmd.Context(), id, neuron, v, "votebot vote"); err != nil {
				return err
			}
			who := "every neuron"
			if neuron != 0 {
				who = fmt.Sprintf("neuron %d", neuron)
			}
			_, err = fmt.Fprintf(s.Out, "Stored: %s on proposal %d for %s. The bot votes it on its next pass.\n", v, id, who)
			return err
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().Uint64Var(&neuron, "neuron", 0, "only this neuron (default: every configured neuron)")
	return cmd
}

func configured(cfg *config.Config, id uint64) bool {
	for _, n := range cfg.Neurons {
		if n.ID == id {
			return true
		}
	}
	return false
}
