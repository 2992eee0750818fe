package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newVoteCmd is a placeholder until bot lands.
func newVoteCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "vote",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("vote: not implemented yet")
		},
	}
}
