package nns

import "strconv"

// GroupThousands writes n in decimal with a comma between groups of three digits
// ("112,574,437"), as amounts of ICP are shown to people.
func GroupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
