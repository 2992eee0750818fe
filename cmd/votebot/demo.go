package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDemoCmd is a placeholder until bot lands.
func newDemoCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "(not yet available)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("demo: not implemented yet")
		},
	}
}
