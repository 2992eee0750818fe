package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

// reportOptions are the flags of `votebot report`.
type reportOptions struct {
	window       string
	json         bool
	observations string
	storePath    string
	configPath   string
	regime       string
	supplyE8s    uint64
	networkVPE8s uint64
	at           string
	proposal     uint64
	neurons      []string // --neuron: ids or aliases
	exact        bool
	// configOptional: --config was not given and --observations or
	// --store-path name the data, so a missing default config is fine.
	configOptional bool
	now            func() time.Time
	errOut         io.Writer // warnings
}

// reportData is what a source yields. The observations file has the same
// shape (or is a bare array of observations).
type reportData struct {
	Observations          []rewards.Observation  `json:"observations"`
	Neurons               []rewards.NeuronStatus `json:"neurons,omitempty"`
	SupplyE8s             uint64                 `json:"supply_e8s,omitempty"`
	NetworkVotingPowerE8s uint64                 `json:"network_voting_power_e8s,omitempty"`
	// Audit is the reward audit the daemon recorded (store only).
	Audit []rewards.MaturityAudit `json:"reward_audit,omitempty"`
	// history is what the state database says of itself (nil for a file).
	history *storeHistory
	// lanes are the SNS DAOs whose stores lie beside the state database
	// (none for a file).
	lanes []snsLane
	// snsPicked are the SNS neurons --neuron picked, by root (nil: all).
	snsPicked map[string]map[uint64]bool
}

func newReportCmd(s Streams) *cobra.Command {
	return newReportCmdWithClock(s, time.Now)
}

func newReportCmdWithClock(s Streams, now func() time.Time) *cobra.Command {
	o := reportOptions{now: now, errOut: s.Err}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Participation, voting power and rewards per neuron",
		Long: `Report, per neuron: potential and deciding voting power, weighted participation
(reward period, 7 days, 30 days, all time), missed proposals and what they cost,
estimated rewards and rewards lost, and when voting power starts to decay.

Participation is Σ weight·vp over proposals voted / Σ weight·vp over reward-eligible
proposals the neuron had a ballot on. Ballots the bot could not read are reported
as unknown, never as missed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The config is optional when the data is named directly; a
			// --config given by hand must exist.
			o.configOptional = !cmd.Flags().Changed("config") && (o.observations != "" || o.storePath != "")
			return runReport(cmd.Context(), s, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.window, "window", "7d", "window for missed proposals and rewards: reward-period, all, <n>d or a duration")
	f.BoolVar(&o.json, "json", false, "write JSON instead of a table")
	f.StringVar(&o.observations, "observations", "", "read observations from this JSON file")
	f.StringVar(&o.storePath, "store-path", "", "read observations from this votebot state database (default: the config's store.path)")
	addDeprecatedAlias(cmd, "store", "store-path", &o.storePath)
	addConfigFlag(f, &o.configPath)
	f.StringVar(&o.regime, "regime", string(rewards.RegimeCurrent), "tokenomics: current or legacy")
	f.Uint64Var(&o.supplyE8s, "supply-e8s", 0, "ICP total supply in e8s for reward estimates (overrides the file)")
	f.Uint64Var(&o.networkVPE8s, "network-vp-e8s", 0, "network total potential voting power in e8s (overrides the file)")
	f.StringVar(&o.at, "at", "", "report as of this RFC 3339 time instead of now")
	f.BoolVar(&o.exact, "exact", false, "amounts and voting power in e8s instead of ICP to 4 decimals")
	f.Uint64Var(&o.proposal, "proposal", 0, "list only the decision log of this proposal (the rule and source of every decision)")
	f.StringSliceVar(&o.neurons, "neuron", nil, "only this neuron (id or alias; repeat or comma-separate for more)")
	return cmd
}

func runReport(ctx context.Context, s Streams, o reportOptions) error {
	now := o.now()
	if o.at != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, o.at); err != nil {
			return fmt.Errorf("report: --at: %w", err)
		}
	}
	if _, _, err := reportSettings(o, now); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	data, err := loadReportData(ctx, o)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	nnsValues, snsPicked := splitNeuronPicks(o.neurons, data.lanes)
	picked, err := pickNeurons(nnsValues, knownNeurons(data.Neurons))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if picked == nil && snsPicked != nil {
		picked = map[uint64]bool{} // only SNS neurons were picked
	}
	data = data.only(picked)
	data.snsPicked = snsPicked
	if o.proposal != 0 {
		return writeDecisionLog(s.Out, data.history, data.Neurons)
	}
	return writeReport(ctx, s.Out, o, data, now)
}

// reportSettings are the economics and the window the flags ask for.
func reportSettings(o reportOptions, now time.Time) (rewards.Economics, rewards.Window, error) {
	regime, err := rewards.ParseRegime(o.regime)
	if err != nil {
		return rewards.Economics{}, rewards.Window{}, err
	}
	econ := rewards.DefaultEconomics(regime)
	window, err := rewards.ParseWindow(o.window, econ, now)
	return econ, window, err
}

// writeReport builds the report from data as of now and writes it.
func writeReport(ctx context.Context, w io.Writer, o reportOptions, data reportData, now time.Time) error {
	econ, window, err := reportSettings(o, now)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	in := rewards.ReportInput{Economics: econ, Now: now, Window: window,
		Observations: data.Observations, Neurons: data.Neurons,
		SupplyE8s: data.SupplyE8s, NetworkVotingPowerE8s: data.NetworkVotingPowerE8s, Audit: data.Audit}
	if o.supplyE8s > 0 {
		in.SupplyE8s = o.supplyE8s
	}
	if o.networkVPE8s > 0 {
		in.NetworkVotingPowerE8s = o.networkVPE8s
	}
	r := rewards.BuildReport(in)
	snsReports, err := buildSNSReports(ctx, data.lanes, data.snsPicked, econ, window, now)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if o.json {
		return writeReportJSON(w, reportJSON{Report: r, Governance: "NNS", SNS: snsReports})
	}
	if err := rewards.WriteTextWith(w, r, rewards.TextOptions{Exact: o.exact}); err != nil {
		return err
	}
	if err := writeHistory(w, data.history); err != nil {
		return err
	}
	return writeSNSReports(w, snsReports, o.exact)
}

// knownNeurons are the neurons the data names, for --neuron.
func knownNeurons(ns []rewards.NeuronStatus) []config.Neuron {
	out := make([]config.Neuron, len(ns))
	for i, n := range ns {
		out[i] = config.Neuron{ID: n.ID, Alias: n.Name}
	}
	return out
}

// only keeps the picked neurons' observations, status and decisions (nil: all).
func (d reportData) only(picked map[uint64]bool) reportData {
	if picked == nil {
		return d
	}
	keep := func(id uint64) bool { return picked[id] }
	d.Observations = slices.DeleteFunc(slices.Clone(d.Observations), func(o rewards.Observation) bool { return !keep(o.Neuron) })
	d.Neurons = slices.DeleteFunc(slices.Clone(d.Neurons), func(n rewards.NeuronStatus) bool { return !keep(n.ID) })
	d.Audit = slices.DeleteFunc(slices.Clone(d.Audit), func(a rewards.MaturityAudit) bool { return !keep(a.Neuron) })
	if d.history != nil {
		h := *d.history
		h.decisions = slices.DeleteFunc(slices.Clone(h.decisions), func(r bot.DecisionRecord) bool { return !keep(r.Neuron) })
		d.history = &h
	}
	return d
}

// loadReportData picks the source: a JSON file or the state database,
// named directly or by the configuration, whose neurons it adds by alias.
func loadReportData(ctx context.Context, o reportOptions) (reportData, error) {
	if o.configPath == "" {
		return loadObservations(ctx, o)
	}
	if _, err := os.Stat(o.configPath); err != nil && o.configOptional {
		return loadObservations(ctx, o)
	}
	cfg, err := loadConfigFile(o.errOut, o.configPath)
	if err != nil {
		return reportData{}, err
	}
	if o.observations == "" && o.storePath == "" {
		o.storePath = cfg.Store.Path
	}
	d, err := loadObservations(ctx, o)
	if err != nil {
		return reportData{}, err
	}
	d.Neurons = withConfigNeurons(d.Neurons, cfg.Neurons)
	if o.storePath != "" {
		if d.lanes, err = findSNSLanes(ctx, o.storePath, cfg.SNS.DAOs); err != nil {
			return reportData{}, err
		}
	}
	return d, nil
}

// withConfigNeurons adds the configured neurons and names them by alias
// where the data has no name.
func withConfigNeurons(have []rewards.NeuronStatus, configured []config.Neuron) []rewards.NeuronStatus {
	index := map[uint64]int{}
	for i, n := range have {
		index[n.ID] = i
	}
	for _, cn := range configured {
		i, ok := index[cn.ID]
		if !ok {
			have = append(have, rewards.NeuronStatus{ID: cn.ID})
			i = len(have) - 1
			index[cn.ID] = i
		}
		if have[i].Name == "" {
			have[i].Name = cn.Alias
		}
	}
	return have
}

func loadObservations(ctx context.Context, o reportOptions) (reportData, error) {
	switch {
	case o.observations != "" && o.storePath != "":
		return reportData{}, errors.New("give --observations or --store-path, not both")
	case o.observations != "":
		return readObservationsFile(o.observations)
	case o.storePath != "":
		d, err := readStore(ctx, o.storePath, o.proposal)
		if err != nil {
			return reportData{}, err
		}
		d.lanes, err = findSNSLanes(ctx, o.storePath, nil)
		return d, err
	}
	return reportData{}, errors.New("no observations: give --observations FILE, --store-path PATH or --config FILE")
}

func readObservationsFile(path string) (reportData, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return reportData{}, fmt.Errorf("read observations: %w", err)
	}
	var d reportData
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = json.Unmarshal(trimmed, &d.Observations)
	} else {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		err = dec.Decode(&d)
	}
	if err != nil {
		return reportData{}, fmt.Errorf("read observations %s: %w", path, err)
	}
	return d, nil
}

func readStore(ctx context.Context, path string, proposal uint64) (reportData, error) {
	if _, err := os.Stat(path); err != nil {
		// Don't create one by reading.
		return reportData{}, fmt.Errorf("state database: %w (check store.path in the config, or --store-path; the daemon creates it on its first poll)", err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return reportData{}, err
	}
	defer st.Close()
	return storeReportData(ctx, st, proposal)
}

// storeReportData is everything the daemon recorded that the report
// shows: the ballots, the neurons' voting power and decay dates as last
// read, the ledger's total supply and the reward audit. `votebot demo`
// reads its store the same way.
func storeReportData(ctx context.Context, st *store.Store, proposal uint64) (reportData, error) {
	obs, err := st.Observations(ctx, store.ObservationFilter{})
	if err != nil {
		return reportData{}, err
	}
	h, err := readHistory(ctx, st, proposal)
	if err != nil {
		return reportData{}, err
	}
	audit, err := st.Audits(ctx)
	if err != nil {
		return reportData{}, err
	}
	neurons, err := st.NeuronStatus(ctx)
	if err != nil {
		return reportData{}, err
	}
	supply, _, _, err := st.LatestSupply(ctx)
	if err != nil {
		return reportData{}, err
	}
	return reportData{Observations: obs, history: h, Audit: audit, Neurons: neurons,
		SupplyE8s: supply.TotalSupplyE8s}, nil
}
