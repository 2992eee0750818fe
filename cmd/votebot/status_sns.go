package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/sns"
)

// writeLaneStatus writes each SNS lane's section of status: its last poll,
// its alerts and its next actions, under the DAO's name (its neuron and
// proposal numbers are its own).
func writeLaneStatus(w io.Writer, lanes []daemon.LaneStatus, now time.Time) error {
	for _, l := range lanes {
		fmt.Fprintf(w, "\nSNS %s (root %s), %d %s\n", oneLine(l.Governance, 60), l.Root, l.Neurons, plural(l.Neurons, "neuron", "neurons"))
		fmt.Fprintf(w, "last poll   %s\n", whenAgo(l.LastPoll, now))
		writeAlertsBy(w, l.Alerts, now, snsNeuronOrDash)
		if err := writeNext(w, l.Next, now); err != nil {
			return err
		}
	}
	return nil
}

// storeLaneStatus is what each SNS lane's state database says when the
// daemon does not answer.
func storeLaneStatus(ctx context.Context, w io.Writer, cfg *config.Config, now time.Time) error {
	lanes, err := findSNSLanes(ctx, cfg.Store.Path, cfg.SNS.DAOs)
	if err != nil {
		return err
	}
	for _, l := range lanes {
		fmt.Fprintf(w, "\nSNS %s (root %s)\n", oneLine(l.Name, 60), l.Root)
		st, err := l.open(ctx)
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(w, "last poll   never (no state database yet)")
			continue
		}
		if err != nil {
			return err
		}
		last, err := st.LastHeartbeat(ctx)
		if err != nil {
			st.Close()
			return err
		}
		active, err := st.ActiveAlertStates(ctx)
		st.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "last poll   %s (from the state database)\n", whenAgo(last, now))
		alerts := make([]daemon.StatusAlert, 0, len(active))
		for _, a := range active {
			alerts = append(alerts, daemon.StatusAlertOf(a))
		}
		writeAlertsBy(w, alerts, now, snsNeuronOrDash)
	}
	return nil
}

// snsNeuronOrDash is an SNS neuron's short id in hex, or "-" for none.
func snsNeuronOrDash(id uint64) string {
	if id == 0 {
		return "-"
	}
	return sns.FormatShortID(id)
}
