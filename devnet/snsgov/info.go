package snsgov

import (
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/sns"
)

var topicInfo = map[sns.TopicID][2]string{
	sns.TopicDaoCommunitySettings:     {"DAO community settings", "Proposals to set the direction of the DAO by tokenomics & branding."},
	sns.TopicSnsFrameworkManagement:   {"SNS framework management", "Proposals to upgrade and manage the SNS DAO framework."},
	sns.TopicDappCanisterManagement:   {"Dapp canister management", "Proposals to upgrade the registered dapp canisters."},
	sns.TopicApplicationBusinessLogic: {"Application Business Logic", "Proposals that are custom to what the governed dapp requires."},
	sns.TopicGovernance:               {"Governance", "Proposals that represent community polls or other forms of community opinion."},
	sns.TopicTreasuryAssetManagement:  {"Treasury & asset management", "Proposals to move and manage assets that are DAO-owned."},
	sns.TopicCriticalDappOperations:   {"Critical Dapp Operations", "Proposals to execute critical operations on dapps."},
}

func (c *Canister) listTopics(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeAny(arg); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	var topics []sns.TopicInfo
	for _, t := range sns.Topics() {
		native, custom := []sns.NervousSystemFunction{}, []sns.NervousSystemFunction{}
		for _, f := range sns.NativeFunctions() {
			if f.Topic == t {
				native = append(native, nativeFunction(f))
			}
		}
		for _, id := range sortedKeys(c.functions) {
			if f := c.functions[id]; f.Topic == t {
				custom = append(custom, customFunction(f))
			}
		}
		info := topicInfo[t]
		topics = append(topics, sns.TopicInfo{Topic: sns.TopicOf(t), Name: ptr(info[0]), Description: ptr(info[1]),
			NativeFunctions: &native, CustomFunctions: &custom, IsCritical: ptr(c.isCritical(t))})
	}
	return sns.ListTopicsResponse{Topics: &topics, UncategorizedFunctions: &[]sns.NervousSystemFunction{}}, nil
}

func nativeFunction(f sns.NativeFunction) sns.NervousSystemFunction {
	return sns.NervousSystemFunction{Id: f.ID, Name: f.Name, FunctionType: &sns.FunctionType{NativeNervousSystemFunction: &struct{}{}}}
}

func customFunction(f Function) sns.NervousSystemFunction {
	return sns.NervousSystemFunction{Id: f.ID, Name: f.Name, FunctionType: &sns.FunctionType{
		GenericNervousSystemFunction: &sns.GenericNervousSystemFunction{Topic: sns.TopicOf(f.Topic)}}}
}

func (c *Canister) listFunctions(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeAny(arg); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := sns.ListNervousSystemFunctionsResponse{ReservedIds: []uint64{}}
	for _, f := range sns.NativeFunctions() {
		out.Functions = append(out.Functions, nativeFunction(f))
	}
	for _, id := range sortedKeys(c.functions) {
		out.Functions = append(out.Functions, customFunction(c.functions[id]))
	}
	return out, nil
}

func (c *Canister) getParameters(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeAny(arg); err != nil {
		return nil, err
	}
	cfg := c.cfg
	rate := cfg.RewardRateBasisPoints
	return sns.NervousSystemParameters{
		MaxDissolveDelaySeconds:                 ptr(seconds(cfg.MaxDissolveDelay)),
		MaxDissolveDelayBonusPercentage:         ptr(cfg.MaxDissolveDelayBonusPct),
		MaxNeuronAgeForAgeBonus:                 ptr(seconds(cfg.MaxAge)),
		MaxAgeBonusPercentage:                   ptr(cfg.MaxAgeBonusPct),
		InitialVotingPeriodSeconds:              ptr(seconds(cfg.InitialVotingPeriod)),
		WaitForQuietDeadlineIncreaseSeconds:     ptr(seconds(cfg.WaitForQuietIncrease)),
		NeuronMinimumDissolveDelayToVoteSeconds: ptr(seconds(cfg.MinimumDissolveDelayToVote)),
		NeuronGrantablePermissions: &sns.NeuronPermissionList{Permissions: []int32{
			int32(sns.PermissionSubmitProposal), int32(sns.PermissionVote)}},
		VotingRewardsParameters: &sns.VotingRewardsParameters{InitialRewardRateBasisPoints: &rate,
			FinalRewardRateBasisPoints: &rate, RoundDurationSeconds: ptr(seconds(cfg.RoundDuration)),
			RewardRateTransitionDurationSeconds: ptr(uint64(0))},
	}, nil
}

func (c *Canister) getLatestRewardEvent(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeAny(arg); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	ev := c.latestReward
	if ev.SettledProposals == nil {
		ev.SettledProposals = []sns.ProposalId{}
	}
	return ev, nil
}

func (c *Canister) getMetadata(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeAny(arg); err != nil {
		return nil, err
	}
	return sns.GetMetadataResponse{Name: ptr(c.cfg.Name), Description: ptr("A devnet SNS"), Url: ptr("https://example.org")}, nil
}
