package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newPlanCmd is a placeholder until bot lands.
func newPlanCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "plan",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("plan: not implemented yet")
		},
	}
}
