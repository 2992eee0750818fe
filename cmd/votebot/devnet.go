package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDevnetCmd is a placeholder until devnet lands.
func newDevnetCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "devnet",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("devnet: not implemented yet")
		},
	}
}
