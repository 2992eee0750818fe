package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newRunCmd is a placeholder until bot lands.
func newRunCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("run: not implemented yet")
		},
	}
}
