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
