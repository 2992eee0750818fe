package nns

// nnsFunctionTopics maps ExecuteNnsFunction.nns_function to the proposal's
// topic, as the governance canister's NnsFunction::topic does [inf: from the
// public sources; numbers not listed are rejected by the devnet].
var nnsFunctionTopics = map[int32]Topic{
	1:  TopicSubnetManagement,               // CreateSubnet
	2:  TopicSubnetManagement,               // AddNodeToSubnet
	3:  TopicProtocolCanisterManagement,     // NnsCanisterInstall
	4:  TopicProtocolCanisterManagement,     // NnsCanisterUpgrade
	5:  TopicIcOsVersionElection,            // BlessReplicaVersion
	6:  TopicSubnetManagement,               // RecoverSubnet
	7:  TopicSubnetManagement,               // UpdateConfigOfSubnet
	8:  TopicParticipantManagement,          // AssignNoid
	9:  TopicProtocolCanisterManagement,     // NnsRootUpgrade
	10: TopicExchangeRate,                   // IcpXdrConversionRate
	11: TopicIcOsVersionDeployment,          // DeployGuestosToAllSubnetNodes
	12: TopicNetworkEconomics,               // ClearProvisionalWhitelist
	13: TopicSubnetManagement,               // RemoveNodesFromSubnet
	14: TopicSubnetManagement,               // SetAuthorizedSubnetworks
	15: TopicSubnetManagement,               // SetFirewallConfig
	16: TopicNodeAdmin,                      // UpdateNodeOperatorConfig
	17: TopicProtocolCanisterManagement,     // StopOrStartNnsCanister
	18: TopicNodeAdmin,                      // RemoveNodes
	19: TopicProtocolCanisterManagement,     // UninstallCode
	20: TopicNetworkEconomics,               // UpdateNodeRewardsTable
	21: TopicParticipantManagement,          // AddOrRemoveDataCenters
	23: TopicNodeAdmin,                      // RemoveNodeOperators
	24: TopicSubnetManagement,               // RerouteCanisterRanges
	25: TopicSubnetManagement,               // AddFirewallRules
	26: TopicSubnetManagement,               // RemoveFirewallRules
	27: TopicSubnetManagement,               // UpdateFirewallRules
	28: TopicSubnetManagement,               // PrepareCanisterMigration
	29: TopicSubnetManagement,               // CompleteCanisterMigration
	30: TopicServiceNervousSystemManagement, // AddSnsWasm
	31: TopicSubnetManagement,               // ChangeSubnetMembership
	32: TopicSubnetManagement,               // UpdateSubnetType
	33: TopicSubnetManagement,               // ChangeSubnetTypeAssignment
	34: TopicSubnetManagement,               // UpdateSnsWasmSnsSubnetIds
	35: TopicSnsAndCommunityFund,            // UpdateAllowedPrincipals
	36: TopicIcOsVersionElection,            // RetireReplicaVersion
	37: TopicServiceNervousSystemManagement, // InsertSnsWasmUpgradePathEntries
	38: TopicIcOsVersionElection,            // ReviseElectedGuestosVersions
	39: TopicSubnetManagement,               // BitcoinSetConfig
	40: TopicIcOsVersionElection,            // UpdateElectedHostosVersions
	41: TopicIcOsVersionDeployment,          // UpdateNodesHostosVersion
	42: TopicProtocolCanisterManagement,     // HardResetNnsRootToVersion
	43: TopicApiBoundaryNodeManagement,      // AddApiBoundaryNodes
	44: TopicApiBoundaryNodeManagement,      // RemoveApiBoundaryNodes
	46: TopicApiBoundaryNodeManagement,      // UpdateApiBoundaryNodesVersion
	47: TopicApiBoundaryNodeManagement,      // DeployGuestosToSomeApiBoundaryNodes
	48: TopicIcOsVersionDeployment,          // DeployGuestosToAllUnassignedNodes
	49: TopicSubnetManagement,               // UpdateSshReadOnlyAccessForAllUnassignedNodes
	50: TopicIcOsVersionElection,            // ReviseElectedHostosVersions
	51: TopicIcOsVersionDeployment,          // DeployHostosToSomeNodes
	52: TopicSubnetRental,                   // SubnetRentalRequest
	53: TopicSubnetManagement,               // PauseCanisterMigrations [inf: topic]
	54: TopicSubnetManagement,               // UnpauseCanisterMigrations [inf: topic]
	55: TopicSubnetManagement,               // SetSubnetOperationalLevel [inf: topic]
}

// NnsFunctionMax is the newest nns_function number known (upstream enum
// NnsFunction as of @dfinity/nns 12.1.0); 22 and 45 are obsolete upstream.
const NnsFunctionMax = 55

// NnsFunctionTopic is the topic of an ExecuteNnsFunction proposal with this
// nns_function number; ok is false for numbers the devnet does not know.
func NnsFunctionTopic(fn int32) (t Topic, ok bool) {
	t, ok = nnsFunctionTopics[fn]
	return t, ok
}
