// Package scenarios holds the devnet scenario files that are built into
// the binary.
package scenarios

import _ "embed"

// Demo is demo.yaml, the week `votebot demo` plays.
//
//go:embed demo.yaml
var Demo []byte
