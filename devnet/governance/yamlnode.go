package governance

import (
	"time"

	"github.com/votebot/votebot/devnet/internal/yamlnode"
)

// ynode is a scenario value with its key path (devnet/internal/yamlnode, shared with the SNS
// section of a scenario).
type ynode = yamlnode.Node

// ParseDuration parses a duration of a scenario file or the admin API (yamlnode.ParseDuration).
func ParseDuration(s string) (time.Duration, error) { return yamlnode.ParseDuration(s) }
