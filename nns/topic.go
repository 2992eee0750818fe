// Package nns holds the NNS governance domain: topics, statuses, votes and
// the Candid types of the governance canister, shared by the client (agent/)
// and the simulated canister (devnet/).
package nns

import (
	"fmt"
	"strconv"
	"strings"
)

// Topic is a proposal topic as numbered by the governance canister.
type Topic int32

const (
	TopicUnspecified                    Topic = 0
	TopicNeuronManagement               Topic = 1
	TopicExchangeRate                   Topic = 2
	TopicNetworkEconomics               Topic = 3
	TopicGovernance                     Topic = 4
	TopicNodeAdmin                      Topic = 5
	TopicParticipantManagement          Topic = 6
	TopicSubnetManagement               Topic = 7
	TopicApplicationCanisterManagement  Topic = 8
	TopicKyc                            Topic = 9
	TopicNodeProviderRewards            Topic = 10
	TopicSnsDecentralizationSale        Topic = 11 // reserved, no longer used
	TopicIcOsVersionDeployment          Topic = 12
	TopicIcOsVersionElection            Topic = 13
	TopicSnsAndCommunityFund            Topic = 14
	TopicApiBoundaryNodeManagement      Topic = 15
	TopicSubnetRental                   Topic = 16
	TopicProtocolCanisterManagement     Topic = 17
	TopicServiceNervousSystemManagement Topic = 18
)

type topicInfo struct {
	name     string
	oldNames []string
	// weight is the reward weight in hundredths, so that 0.01 is exact.
	weightCents int64
}

var topics = map[Topic]topicInfo{
	TopicUnspecified:                    {name: "Unspecified"},
	TopicNeuronManagement:               {name: "NeuronManagement"},
	TopicExchangeRate:                   {name: "ExchangeRate", weightCents: 1},
	TopicNetworkEconomics:               {name: "NetworkEconomics", weightCents: 100},
	TopicGovernance:                     {name: "Governance", weightCents: 2000},
	TopicNodeAdmin:                      {name: "NodeAdmin", weightCents: 100},
	TopicParticipantManagement:          {name: "ParticipantManagement", weightCents: 100},
	TopicSubnetManagement:               {name: "SubnetManagement", weightCents: 100},
	TopicApplicationCanisterManagement:  {name: "ApplicationCanisterManagement", oldNames: []string{"NetworkCanisterManagement"}, weightCents: 100},
	TopicKyc:                            {name: "Kyc", weightCents: 100},
	TopicNodeProviderRewards:            {name: "NodeProviderRewards", weightCents: 100},
	TopicSnsDecentralizationSale:        {name: "SnsDecentralizationSale"},
	TopicIcOsVersionDeployment:          {name: "IcOsVersionDeployment", oldNames: []string{"SubnetReplicaVersionManagement"}, weightCents: 100},
	TopicIcOsVersionElection:            {name: "IcOsVersionElection", oldNames: []string{"ReplicaVersionManagement"}, weightCents: 100},
	TopicSnsAndCommunityFund:            {name: "SnsAndCommunityFund", weightCents: 2000},
	TopicApiBoundaryNodeManagement:      {name: "ApiBoundaryNodeManagement", weightCents: 100},
	TopicSubnetRental:                   {name: "SubnetRental", weightCents: 100},
	TopicProtocolCanisterManagement:     {name: "ProtocolCanisterManagement", weightCents: 100},
	TopicServiceNervousSystemManagement: {name: "ServiceNervousSystemManagement", weightCents: 100},
}

// Topics lists every known topic in numeric order.
func Topics() []Topic {
	out := make([]Topic, 0, len(topics))
	for t := TopicUnspecified; t <= TopicServiceNervousSystemManagement; t++ {
		out = append(out, t)
	}
	return out
}

// Known reports whether t is a topic the canister defines.
func (t Topic) Known() bool { _, ok := topics[t]; return ok }

// String returns the canonical name, or "Topic(n)" for an unknown number.
func (t Topic) String() string {
	if info, ok := topics[t]; ok {
		return info.name
	}
	return "Topic(" + strconv.Itoa(int(t)) + ")"
}

// RewardWeight is the topic's weight in the voting-reward formula.
// Topics that are never rewarded (NeuronManagement, Unspecified, reserved) weigh 0.
// A topic newer than votebot (not Known) counts at UnknownTopicWeight.
func (t Topic) RewardWeight() float64 { return float64(t.RewardWeightCents()) / 100 }

// RewardWeightCents is RewardWeight in hundredths, exact for integer arithmetic.
func (t Topic) RewardWeightCents() int64 {
	if info, ok := topics[t]; ok {
		return info.weightCents
	}
	if t > 0 {
		return unknownTopicWeightCents
	}
	return 0
}

// UnknownTopicWeight is the weight votebot gives a topic the canister added
// after this build: most topics weigh 1, and counting it at 0 would drop
// its ballots from participation altogether. Reports say so beside it.
const UnknownTopicWeight = 1.0

const unknownTopicWeightCents = 100

// IgnoresCatchAll reports whether following for this topic ignores the
// catch-all (Unspecified) followees, as Governance and SnsAndCommunityFund do.
func (t Topic) IgnoresCatchAll() bool {
	return t == TopicGovernance || t == TopicSnsAndCommunityFund || t == TopicNeuronManagement
}

// ParseAnyTopic is ParseTopic that also accepts any non-negative topic
// number votebot does not know (a topic the canister added after this
// build, e.g. "25"), so rules and scenarios can name it before votebot
// does; Known tells the two apart.
func ParseAnyTopic(s string) (Topic, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err == nil && n >= 0 {
		return Topic(n), nil
	}
	return ParseTopic(s)
}

// ParseTopic accepts a canonical or former topic name, case-insensitively,
// with an optional "Topic" prefix, or a topic number.
func ParseTopic(s string) (Topic, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		t := Topic(n)
		if !t.Known() {
			return 0, fmt.Errorf("unknown topic number %d", n)
		}
		return t, nil
	}
	key := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(s, "Topic"), "topic"))
	key = strings.NewReplacer("_", "", "-", "", " ", "").Replace(key)
	for t, info := range topics {
		if strings.ToLower(info.name) == key {
			return t, nil
		}
		for _, old := range info.oldNames {
			if strings.ToLower(old) == key {
				return t, nil
			}
		}
	}
	return 0, fmt.Errorf("unknown topic %q", s)
}
