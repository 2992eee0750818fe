package sns

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"
)

// TopicID is an SNS topic by its number, as in topic_id_to_followees (the upstream enum).
type TopicID int32

// The seven SNS topics. Critical ones (upstream: DaoCommunitySettings, TreasuryAssetManagement
// and CriticalDappOperations, as list_topics marks them is_critical) ignore the catch-all.
const (
	TopicUnspecified              TopicID = 0
	TopicDaoCommunitySettings     TopicID = 1
	TopicSnsFrameworkManagement   TopicID = 2
	TopicDappCanisterManagement   TopicID = 3
	TopicApplicationBusinessLogic TopicID = 4
	TopicGovernance               TopicID = 5
	TopicTreasuryAssetManagement  TopicID = 6
	TopicCriticalDappOperations   TopicID = 7
)

var topicNames = [...]string{"Unspecified", "DaoCommunitySettings", "SnsFrameworkManagement",
	"DappCanisterManagement", "ApplicationBusinessLogic", "Governance", "TreasuryAssetManagement",
	"CriticalDappOperations"}

// Topics lists the seven topics in order.
func Topics() []TopicID {
	return []TopicID{TopicDaoCommunitySettings, TopicSnsFrameworkManagement, TopicDappCanisterManagement,
		TopicApplicationBusinessLogic, TopicGovernance, TopicTreasuryAssetManagement, TopicCriticalDappOperations}
}

func (t TopicID) String() string {
	if t >= 0 && int(t) < len(topicNames) {
		return topicNames[t]
	}
	return fmt.Sprintf("Topic(%d)", int32(t))
}

// Known reports whether t is one of the seven topics.
func (t TopicID) Known() bool { return t > TopicUnspecified && int(t) < len(topicNames) }

// CriticalByDefault reports whether upstream's topic_descriptions mark t critical (list_topics
// says so for each SNS): critical proposals need a larger majority and a longer voting period,
// and the catch-all following never covers them. Unspecified counts as critical, as upstream
// errs on the side of caution.
func (t TopicID) CriticalByDefault() bool {
	switch t {
	case TopicDaoCommunitySettings, TopicTreasuryAssetManagement, TopicCriticalDappOperations, TopicUnspecified:
		return true
	}
	return false
}

// ParseTopic reads a topic name, case-insensitively.
func ParseTopic(s string) (TopicID, bool) {
	for _, t := range Topics() {
		if strings.EqualFold(t.String(), s) {
			return t, true
		}
	}
	return TopicUnspecified, false
}

// ID is the Candid Topic variant's number; TopicUnspecified for nil or a tag newer than votebot.
func (t *Topic) ID() TopicID {
	switch {
	case t == nil:
		return TopicUnspecified
	case t.DaoCommunitySettings != nil:
		return TopicDaoCommunitySettings
	case t.SnsFrameworkManagement != nil:
		return TopicSnsFrameworkManagement
	case t.DappCanisterManagement != nil:
		return TopicDappCanisterManagement
	case t.ApplicationBusinessLogic != nil:
		return TopicApplicationBusinessLogic
	case t.Governance != nil:
		return TopicGovernance
	case t.TreasuryAssetManagement != nil:
		return TopicTreasuryAssetManagement
	case t.CriticalDappOperations != nil:
		return TopicCriticalDappOperations
	}
	return TopicUnspecified
}

// TopicOf is the Candid variant of t (nil for TopicUnspecified or an unknown number).
func TopicOf(t TopicID) *Topic {
	n := &idl.Null{}
	switch t {
	case TopicDaoCommunitySettings:
		return &Topic{DaoCommunitySettings: n}
	case TopicSnsFrameworkManagement:
		return &Topic{SnsFrameworkManagement: n}
	case TopicDappCanisterManagement:
		return &Topic{DappCanisterManagement: n}
	case TopicApplicationBusinessLogic:
		return &Topic{ApplicationBusinessLogic: n}
	case TopicGovernance:
		return &Topic{Governance: n}
	case TopicTreasuryAssetManagement:
		return &Topic{TreasuryAssetManagement: n}
	case TopicCriticalDappOperations:
		return &Topic{CriticalDappOperations: n}
	}
	return nil
}

// Permission is a NeuronPermissionType number.
type Permission int32

// The permissions a principal can hold on an SNS neuron.
const (
	PermissionConfigureDissolveState Permission = 1
	PermissionManagePrincipals       Permission = 2
	PermissionSubmitProposal         Permission = 3
	PermissionVote                   Permission = 4 // also changes following
	PermissionDisburse               Permission = 5
	PermissionSplit                  Permission = 6
	PermissionMergeMaturity          Permission = 7
	PermissionDisburseMaturity       Permission = 8
	PermissionStakeMaturity          Permission = 9
	PermissionManageVotingPermission Permission = 10
)

var permissionNames = [...]string{"", "ConfigureDissolveState", "ManagePrincipals", "SubmitProposal",
	"Vote", "Disburse", "Split", "MergeMaturity", "DisburseMaturity", "StakeMaturity", "ManageVotingPermission"}

func (p Permission) String() string {
	if p > 0 && int(p) < len(permissionNames) {
		return permissionNames[p]
	}
	return fmt.Sprintf("Permission(%d)", int32(p))
}

// BeyondVoting reports whether p lets its holder do more than a voting bot needs (Vote and
// SubmitProposal, the NNS dapp's "hotkey"): a leaked key with it could move funds or take the
// neuron over.
func (p Permission) BeyondVoting() bool { return p != PermissionVote && p != PermissionSubmitProposal }

// NeuronIDLen is the length of an SNS neuron id: a ledger subaccount.
const NeuronIDLen = 32

// NeuronIDHex is the id as SNS ballots key it and people write it: lower-case hex.
func NeuronIDHex(id []byte) string { return hex.EncodeToString(id) }

// ParseNeuronID reads a neuron id written in hex (64 digits).
func ParseNeuronID(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("neuron id: not hex: %w", err)
	}
	if len(b) != NeuronIDLen {
		return nil, fmt.Errorf("neuron id: %d bytes, want %d (64 hex digits)", len(b), NeuronIDLen)
	}
	return b, nil
}

// Votes on an SNS ballot.
const (
	VoteUnspecified int32 = 0
	VoteYes         int32 = 1
	VoteNo          int32 = 2
)

// Reward status filters of list_proposals.
const (
	RewardStatusAcceptVotes   int32 = 1
	RewardStatusReadyToSettle int32 = 2
	RewardStatusSettled       int32 = 3
)

// PermissionsOf are the permissions p holds on the neuron.
func (n *Neuron) PermissionsOf(p principal.Principal) []Permission {
	var out []Permission
	for _, np := range n.Permissions {
		if np.Principal == nil || !np.Principal.Equal(p) {
			continue
		}
		for _, t := range np.PermissionType {
			out = append(out, Permission(t))
		}
	}
	return out
}

// ShortID is the number the loop, the store and the metrics know an SNS
// neuron by within its DAO: the id's first 8 bytes, big-endian. Its hex
// (FormatShortID) is the start of the neuron's hex id, so a person still
// recognises it. The ids are subaccounts (hashes): two neurons of one DAO
// share a short id with odds of 2^-64; where a lane is set up, a clash
// among the neurons it sees is refused rather than risked (see CheckShortIDs).
func ShortID(id []byte) uint64 {
	var b [8]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:])
}

// FormatShortID is a short id in hex: the first 16 digits of the neuron's id.
func FormatShortID(short uint64) string { return fmt.Sprintf("%016x", short) }

// CheckShortIDs fails when two distinct ids share a short id.
func CheckShortIDs(ids [][]byte) error {
	seen := make(map[uint64][]byte, len(ids))
	for _, id := range ids {
		s := ShortID(id)
		if prev, ok := seen[s]; ok && !bytes.Equal(prev, id) {
			return fmt.Errorf("neurons %s and %s share their first 8 bytes: votebot cannot tell them apart",
				NeuronIDHex(prev), NeuronIDHex(id))
		}
		seen[s] = id
	}
	return nil
}
