package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/devnet/nnslocal"
)

func newDevnetCmd(s Streams) *cobra.Command {
	var opts nnslocal.Options
	var quiet bool
	cmd := &cobra.Command{
		Use:   "devnet [--listen ADDR] [--key-file FILE] [--scenario FILE]",
		Short: "Run a local NNS: the IC HTTP interface with a governance canister",
		Long: `Run a local NNS that speaks the real IC HTTP interface, with the NNS
governance canister at rrkah-fqaaa-aaaaa-aaaaq-cai, the ICP ledger's supply
queries (icrc1_total_supply, icrc1_symbol, icrc1_decimals) at
ryjl3-tyaaa-aaaaa-aaaba-cai and a JSON admin API under /_/devnet/ (see
devnet/README.md).

Once it accepts connections it prints one line,

    devnet ready url=<url> root_key=<hex>

and serves until SIGINT or SIGTERM. --listen 127.0.0.1:0 picks a free port.
--key-file keeps the root key across restarts (created 0600 when missing), so
agents can pin it. --scenario loads economics, neurons and scheduled
proposals from a YAML file (configs/scenarios/).

It logs the scenario's events at info: proposals made and decided, scenario
votes, reward events, following cleared. Every request is logged with
--log.level debug.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			level := zerolog.NoLevel // --log.level, info by default
			if quiet {
				level = zerolog.WarnLevel
			}
			log, err := cmdLogger(cmd, s.Err, level)
			if err != nil {
				return err
			}
			opts.Logger = log
			n, err := nnslocal.Start(ctx, opts)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintln(s.Out, n.ReadyLine()); err != nil {
				_ = n.Close()
				return err
			}
			select {
			case <-ctx.Done():
			case <-n.Done():
			}
			return n.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", "127.0.0.1:4943", "address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&opts.KeyFile, "key-file", "", "root key file, created 0600 when missing (default: a new key each run)")
	f.StringVar(&opts.ScenarioFile, "scenario", "", "scenario YAML file: economics, neurons, scheduled proposals")
	f.BoolVar(&quiet, "quiet", false, "log warnings only, not the scenario's events")
	f.DurationVar(&opts.ClockOffset, "clock-offset", 0, "run the network's clock this far from the wall clock (e.g. -10m), as if the client's clock were off")
	f.IntVar(&opts.ReplyLimits.NonReplicated, "max-query-reply-bytes", 0, "largest query reply, as the replica enforces it (0: the replica's 3 MiB)")
	f.IntVar(&opts.ReplyLimits.Replicated, "max-update-reply-bytes", 0, "largest update reply (0: the replica's 2 MiB)")
	f.Var(&opts.Pace.Update, "update-latency", "update call latency until certified, e.g. 2s±500ms (default: none)")
	f.Var(&opts.Pace.Query, "query-latency", "query latency, e.g. 100ms (default: none)")
	f.DurationVar(&opts.Pace.Exec, "exec-time", 0, "time each update message holds the subnet (messages run one at a time)")
	f.Float64Var(&opts.Pace.Rate, "rate-limit", 0, "update calls per second per client; over it 429 with Retry-After, as a boundary node (0: none)")
	f.IntVar(&opts.Pace.Burst, "rate-burst", 0, "rate-limit bucket size (0: one second's worth)")
	f.StringVar(&opts.Pace.RateKey, "rate-key", "ip", "what the rate limit counts per: ip or sender")
	return cmd
}
