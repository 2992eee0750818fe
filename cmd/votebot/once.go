package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newOnceCmd is a placeholder until bot lands.
func newOnceCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "once",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("once: not implemented yet")
		},
	}
}
