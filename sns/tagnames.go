package sns

import (
	"regexp"
	"slices"
)

var didIdent = regexp.MustCompile(`\b[A-Z][A-Za-z0-9_]*\b`)

// VariantTagNames lists every capitalised name in GovernanceDID (its variant tags among them):
// the names a decoder may give to a variant tag hash the Go types do not know, as
// nns.VariantTagNames does for the NNS.
func VariantTagNames() []string {
	names := didIdent.FindAllString(GovernanceDID, -1)
	slices.Sort(names)
	return slices.Compact(names)
}
