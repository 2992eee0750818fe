package main

import (
	"fmt"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/daemon"
)

// Exit codes of `votebot once`, for cron users.
const (
	onceAtRisk    = 2 // a ballot is at risk, a miss was confirmed, or a neuron cannot vote at all
	oncePollError = 3 // the proposals could not be read
)

func newOnceCmd(s Streams) *cobra.Command {
	var configPath string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "once --config FILE",
		Short: "One full pass (poll, decide, vote what is due, alert), then exit",
		Long: fmt.Sprintf(`Run one pass of the daemon and exit. Exit status: 0 all is well, %d something
is at risk (or was missed, or a neuron cannot vote at all), %d the proposals could not be read, 1 other errors.`, onceAtRisk, oncePollError),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := cmdLogger(cmd, s.Err, zerolog.NoLevel)
			if err != nil {
				return err
			}
			cfg, err := loadConfigFile(s.Err, configPath)
			if err != nil {
				return err
			}
			app, err := daemon.Assemble(cmd.Context(), daemon.AppOptions{Config: cfg, Logger: log, DryRun: dryRun,
				Version: buildVersion()})
			if err != nil {
				return err
			}
			defer app.Close()
			sum, err := app.Bot.Once(cmd.Context())
			if err != nil {
				fmt.Fprintln(s.Err, "votebot once:", err)
				return exitError{code: oncePollError}
			}
			fmt.Fprintf(s.Out, "%d open proposals, %d ballots: %d voted now, %d by following, %d scheduled, %d at risk, %d missed\n",
				sum.Proposals, sum.Ballots, sum.VotesCast, sum.Followed, sum.Pending, sum.AtRisk, sum.Missed)
			if sum.Blocked > 0 {
				// Their ballots are in no count above: one alert each says why
				// (votebot plan lists them with the fix).
				fmt.Fprintf(s.Out, "%d %s cannot vote (votebot plan says why and the fix)\n", sum.Blocked,
					plural(sum.Blocked, "neuron", "neurons"))
			}
			if sum.AtRisk > 0 || sum.Missed > 0 || sum.Blocked > 0 {
				return exitError{code: onceAtRisk}
			}
			return nil
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, `decide and record "would vote" without sending anything`)
	return cmd
}
