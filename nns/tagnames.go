package nns

import (
	"regexp"
	"slices"
)

// announcedTags are variant tags of the governance interface newer than
// GovernanceDID's revision, or not modelled by votebot's Go types, whose
// names are public: a reply carrying one names it in logs and metrics
// instead of a bare hash.
var announcedTags = []string{
	"Batch", // Action and SuccessfulProposalExecutionValue, behind a flag upstream
}

var didIdent = regexp.MustCompile(`\b[A-Z][A-Za-z0-9_]*\b`)

// VariantTagNames lists every capitalised name in GovernanceDID (its
// variant tags among them) and the announced ones: the names a decoder may
// give to a variant tag hash the Go types do not know.
func VariantTagNames() []string {
	names := append(didIdent.FindAllString(GovernanceDID, -1), announcedTags...)
	slices.Sort(names)
	return slices.Compact(names)
}
