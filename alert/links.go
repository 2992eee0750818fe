package alert

import "strconv"

// NNSDappURL is proposal id's page on the NNS dapp (the governance canister's proposal view).
func NNSDappURL(id uint64) string {
	return "https://nns.ic0.app/proposal/?u=qoctq-giaaa-aaaaa-aaaea-cai&proposal=" + strconv.FormatUint(id, 10)
}

// DashboardURL is proposal id's page on the Internet Computer dashboard.
func DashboardURL(id uint64) string {
	return "https://dashboard.internetcomputer.org/proposal/" + strconv.FormatUint(id, 10)
}

// SNSDappURL is proposal id of the SNS whose root canister is root on the NNS dapp (the same
// page as NNSDappURL's, of the SNS's root).
func SNSDappURL(root string, id uint64) string {
	return "https://nns.ic0.app/proposal/?u=" + root + "&proposal=" + strconv.FormatUint(id, 10)
}

// SNSDashboardURL is proposal id of the SNS whose root canister is root on the Internet Computer
// dashboard.
func SNSDashboardURL(root string, id uint64) string {
	return "https://dashboard.internetcomputer.org/sns/" + root + "/proposal/" + strconv.FormatUint(id, 10)
}

// proposalLinks are the pages of a's proposal: the NNS's, or its SNS's. An SNS proposal whose
// root is not known has none: the NNS proposal with its number is another one.
func proposalLinks(a Alert) (dapp, dashboard string) {
	switch {
	case a.Governance == "":
		return NNSDappURL(a.ProposalID), DashboardURL(a.ProposalID)
	case validRoot(a.SNSRoot):
		return SNSDappURL(a.SNSRoot, a.ProposalID), SNSDashboardURL(a.SNSRoot, a.ProposalID)
	}
	return "", ""
}

// validRoot reports whether root looks like a canister id's text ("3e3x2-xyaaa-aaaaq-aaalq-cai"):
// it goes into a URL as is, so nothing else may.
func validRoot(root string) bool {
	if root == "" || len(root) > 63 {
		return false
	}
	for _, r := range root {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7' || r == '-') {
			return false
		}
	}
	return true
}
