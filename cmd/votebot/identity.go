package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newIdentityCmd is a placeholder until agent lands.
func newIdentityCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "identity",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("identity: not implemented yet")
		},
	}
}
