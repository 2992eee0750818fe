package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newConfigCmd is a placeholder until policy lands.
func newConfigCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("config: not implemented yet")
		},
	}
}
