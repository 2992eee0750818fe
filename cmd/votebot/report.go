package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newReportCmd is a placeholder until rewards lands.
func newReportCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("report: not implemented yet")
		},
	}
}
