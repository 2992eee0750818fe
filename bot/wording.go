package bot

// Describe is how a person is told about a ballot the policy no longer decides: the action
// ("voted", "nothing") and why. `votebot plan` and the console both show it, so they cannot
// word the same ballot two ways. ok is false while the ballot is still to be decided (empty,
// missed, unknown): the decision speaks for those.
func (o BallotOutcome) Describe() (action, reason string, ok bool) {
	switch o {
	case BallotDirect:
		return "voted", "votebot cast this vote", true
	case BallotFollowing:
		return "voted", "ballot already filled (by following or an earlier vote)", true
	case BallotNone:
		return "nothing", "no ballot (not eligible)", true
	}
	return "", "", false
}
