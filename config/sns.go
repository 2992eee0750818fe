package config

import "github.com/votebot/votebot/sns"

// SNS is the sns: section: the DAOs whose neurons votebot votes, beside
// the NNS ones, by rules written once.
type SNS struct {
	// Discover adds every SNS where the hotkey holds Vote on a neuron
	// (SNS-W's list, then list_neurons(of_principal) in each), with every
	// such neuron, to the DAOs listed.
	Discover bool
	// Policy is the policy (a key of Config.Policies) of a DAO that names
	// none, discovered ones too; DefaultPolicyName when empty.
	Policy string
	DAOs   []DAO
}

// DAO is one SNS as configured.
type DAO struct {
	// Root is the root canister id (principal text): it names the DAO.
	Root string
	// Name is for display only ("OpenChat"); empty: get_metadata's.
	Name string
	// Policy is a key of Config.Policies; empty: SNS.Policy.
	Policy string
	// Neurons are listed by hex id; empty with Discover: every neuron
	// where the hotkey holds Vote.
	Neurons []SNSNeuron
	// Following is the wanted following per SNS topic, set with
	// SetFollowing; sns.TopicUnspecified holds the catch-all (which an SNS
	// never applies to a critical topic). Topics absent are not managed.
	Following map[sns.TopicID][][]byte
}

// SNSNeuron is a controlled SNS neuron.
type SNSNeuron struct {
	ID    []byte // 32 bytes; written in hex
	Alias string
}
