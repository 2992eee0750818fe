package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
)

func newDoctorCmd(s Streams) *cobra.Command {
	var configPath string
	var sendTest, asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that every neuron can be voted for and every alert channel works",
		Long: `Check, against the network, what votebot needs to vote: every configured neuron
exists, lists the bot identity as a hotkey, can vote (dissolve delay at least the
network's minimum, not dissolved) and follows what its policy wants; and that the
alert channels are valid. With --send-test every channel is sent a test
notification. Each problem comes with its fix. Nothing on the network is changed.
Exit status 1 when a check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := cmdLogger(cmd, s.Err, zerolog.WarnLevel)
			if err != nil {
				return err
			}
			cfg, err := config.Load(configPath)
			if err != nil {
				return err
			}
			findings, err := daemon.Doctor(cmd.Context(), cfg, daemon.DoctorOptions{SendTest: sendTest, Logger: log})
			if err != nil {
				return fmt.Errorf("doctor: %w", err)
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(findings); err != nil {
					return err
				}
			} else {
				writeFindings(s.Out, findings)
			}
			for _, f := range findings {
				if f.Status == daemon.DoctorFail {
					return exitError{code: 1}
				}
			}
			return nil
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().BoolVar(&sendTest, "send-test", false, "send a test notification through every alert channel")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the findings as JSON")
	return cmd
}

func writeFindings(w io.Writer, findings []daemon.Finding) {
	fails, warns := 0, 0
	for _, f := range findings {
		fmt.Fprintf(w, "%-4s  %s: %s\n", f.Status, f.Subject, f.Detail)
		if f.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", f.Fix)
		}
		switch f.Status {
		case daemon.DoctorFail:
			fails++
		case daemon.DoctorWarn:
			warns++
		}
	}
	fmt.Fprintf(w, "\n%d checks: %d failed, %d warnings\n", len(findings), fails, warns)
}
