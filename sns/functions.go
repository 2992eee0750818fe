package sns

// NativeFunction is one of the proposal types every SNS has, with its id (ProposalData.action)
// and topic, as upstream's native_action_ids and topic_descriptions define them.
type NativeFunction struct {
	ID    uint64
	Name  string
	Topic TopicID
}

// Native function ids. ExecuteGenericNervousSystemFunction (6) is not a function of its own:
// its proposals carry the custom function's id (≥ FirstCustomFunction).
const (
	FunctionMotion                              uint64 = 1
	FunctionManageNervousSystemParameters       uint64 = 2
	FunctionUpgradeSnsControlledCanister        uint64 = 3
	FunctionAddGenericNervousSystemFunction     uint64 = 4
	FunctionRemoveGenericNervousSystemFunction  uint64 = 5
	FunctionExecuteGenericNervousSystemFunction uint64 = 6
	FunctionUpgradeSnsToNextVersion             uint64 = 7
	FunctionManageSnsMetadata                   uint64 = 8
	FunctionTransferSnsTreasuryFunds            uint64 = 9
	FunctionRegisterDappCanisters               uint64 = 10
	FunctionDeregisterDappCanisters             uint64 = 11
	FunctionMintSnsTokens                       uint64 = 12
	FunctionManageLedgerParameters              uint64 = 13
	FunctionManageDappCanisterSettings          uint64 = 14
	FunctionAdvanceSnsTargetVersion             uint64 = 15
	FunctionSetTopicsForCustomProposals         uint64 = 16
	FunctionRegisterExtension                   uint64 = 17
	FunctionExecuteExtensionOperation           uint64 = 18
	FunctionUpgradeExtension                    uint64 = 19
	// FirstCustomFunction is the smallest id a DAO's own (generic) function can have.
	FirstCustomFunction uint64 = 1000
)

var nativeFunctions = []NativeFunction{
	{FunctionMotion, "Motion", TopicGovernance},
	{FunctionManageNervousSystemParameters, "ManageNervousSystemParameters", TopicDaoCommunitySettings},
	{FunctionUpgradeSnsControlledCanister, "UpgradeSnsControlledCanister", TopicDappCanisterManagement},
	{FunctionAddGenericNervousSystemFunction, "AddGenericNervousSystemFunction", TopicCriticalDappOperations},
	{FunctionRemoveGenericNervousSystemFunction, "RemoveGenericNervousSystemFunction", TopicCriticalDappOperations},
	{FunctionUpgradeSnsToNextVersion, "UpgradeSnsToNextVersion", TopicSnsFrameworkManagement},
	{FunctionManageSnsMetadata, "ManageSnsMetadata", TopicDaoCommunitySettings},
	{FunctionTransferSnsTreasuryFunds, "TransferSnsTreasuryFunds", TopicTreasuryAssetManagement},
	{FunctionRegisterDappCanisters, "RegisterDappCanisters", TopicDappCanisterManagement},
	{FunctionDeregisterDappCanisters, "DeregisterDappCanisters", TopicCriticalDappOperations},
	{FunctionMintSnsTokens, "MintSnsTokens", TopicTreasuryAssetManagement},
	{FunctionManageLedgerParameters, "ManageLedgerParameters", TopicDaoCommunitySettings},
	{FunctionManageDappCanisterSettings, "ManageDappCanisterSettings", TopicDappCanisterManagement},
	{FunctionAdvanceSnsTargetVersion, "AdvanceSnsTargetVersion", TopicSnsFrameworkManagement},
	{FunctionSetTopicsForCustomProposals, "SetTopicsForCustomProposals", TopicCriticalDappOperations},
	{FunctionRegisterExtension, "RegisterExtension", TopicCriticalDappOperations},
}

// NativeFunctions lists the native proposal types that have a topic, by id.
func NativeFunctions() []NativeFunction { return append([]NativeFunction(nil), nativeFunctions...) }

// NativeFunctionByID is the native function with that id.
func NativeFunctionByID(id uint64) (NativeFunction, bool) {
	for _, f := range nativeFunctions {
		if f.ID == id {
			return f, true
		}
	}
	return NativeFunction{}, false
}

// ActionName is the name of a native Action tag, or "" for none or a tag newer than votebot.
func (a *Action) Name() string {
	switch {
	case a == nil:
		return ""
	case a.Motion != nil:
		return "Motion"
	case a.ManageNervousSystemParameters != nil:
		return "ManageNervousSystemParameters"
	case a.AddGenericNervousSystemFunction != nil:
		return "AddGenericNervousSystemFunction"
	case a.RemoveGenericNervousSystemFunction != nil:
		return "RemoveGenericNervousSystemFunction"
	case a.ExecuteGenericNervousSystemFunction != nil:
		return "ExecuteGenericNervousSystemFunction"
	case a.UpgradeSnsToNextVersion != nil:
		return "UpgradeSnsToNextVersion"
	case a.UpgradeSnsControlledCanister != nil:
		return "UpgradeSnsControlledCanister"
	case a.ManageSnsMetadata != nil:
		return "ManageSnsMetadata"
	case a.TransferSnsTreasuryFunds != nil:
		return "TransferSnsTreasuryFunds"
	case a.RegisterDappCanisters != nil:
		return "RegisterDappCanisters"
	case a.DeregisterDappCanisters != nil:
		return "DeregisterDappCanisters"
	case a.MintSnsTokens != nil:
		return "MintSnsTokens"
	case a.ManageLedgerParameters != nil:
		return "ManageLedgerParameters"
	case a.ManageDappCanisterSettings != nil:
		return "ManageDappCanisterSettings"
	case a.AdvanceSnsTargetVersion != nil:
		return "AdvanceSnsTargetVersion"
	case a.SetTopicsForCustomProposals != nil:
		return "SetTopicsForCustomProposals"
	case a.RegisterExtension != nil:
		return "RegisterExtension"
	case a.UpgradeExtension != nil:
		return "UpgradeExtension"
	case a.ExecuteExtensionOperation != nil:
		return "ExecuteExtensionOperation"
	case a.Unspecified != nil:
		return "Unspecified"
	}
	return ""
}
