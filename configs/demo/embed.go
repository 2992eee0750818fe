// Package demo holds the built-in files of `votebot demo`.
package demo

import _ "embed"

// ConfigTemplate is the demo's votebot configuration (text/template).
//
//go:embed votebot.yaml.tmpl
var ConfigTemplate string
