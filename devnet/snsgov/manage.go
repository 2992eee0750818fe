package snsgov

import (
	"errors"
	"slices"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/sns"
)

// maxFolloweesPerTopic bounds following, as the canister's max_followees_per_function does.
const maxFolloweesPerTopic = 15

func (c *Canister) manageNeuron(caller principal.Principal, arg []byte) (any, error) {
	var req sns.ManageNeuron
	if err := decodeArg(arg, &req); err != nil {
		return nil, err
	}
	resp, err := c.manage(caller, req)
	var ge *GovError
	if errors.As(err, &ge) {
		return sns.ManageNeuronResponse{Command: &sns.CommandResponse{Error: &sns.GovernanceError{
			ErrorType: ge.Type, ErrorMessage: ge.Message}}}, nil
	}
	return resp, err
}

func (c *Canister) manage(caller principal.Principal, req sns.ManageNeuron) (sns.ManageNeuronResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tickLocked()
	n, ok := c.neurons[sns.NeuronIDHex(req.Subaccount)]
	if !ok {
		return sns.ManageNeuronResponse{}, govErr(errNotFound, "No neuron for given NeuronId.")
	}
	cmd := req.Command
	var reply sns.CommandResponse
	switch {
	case cmd == nil:
		return sns.ManageNeuronResponse{}, govErr(errInvalidCommand, "No command given.")
	case cmd.RegisterVote != nil:
		if err := c.need(n, caller, sns.PermissionVote); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		if cmd.RegisterVote.Proposal == nil {
			return sns.ManageNeuronResponse{}, govErr(errInvalidCommand, "Invalid proposal id.")
		}
		if err := c.registerVoteLocked(n.hexID, cmd.RegisterVote.Proposal.Id, cmd.RegisterVote.Vote); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		reply.RegisterVote = &struct{}{}
	case cmd.SetFollowing != nil:
		if err := c.need(n, caller, sns.PermissionVote); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		if err := c.setFollowing(n, cmd.SetFollowing.TopicFollowing); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		reply.SetFollowing = &struct{}{}
	case cmd.Follow != nil:
		if err := c.need(n, caller, sns.PermissionVote); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		if err := c.follow(n, *cmd.Follow); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		reply.Follow = &struct{}{}
	case cmd.AddNeuronPermissions != nil:
		if err := c.need(n, caller, sns.PermissionManagePrincipals); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		if err := addPermissions(n, *cmd.AddNeuronPermissions); err != nil {
			return sns.ManageNeuronResponse{}, err
		}
		reply.AddNeuronPermission = &struct{}{}
	default:
		return sns.ManageNeuronResponse{}, govErr(errInvalidCommand, "The devnet does not serve this command.")
	}
	return sns.ManageNeuronResponse{Command: &reply}, nil
}

func (c *Canister) need(n *neuron, caller principal.Principal, perm sns.Permission) error {
	if n.has(caller, perm) {
		return nil
	}
	return govErr(errNotAuthorized, "Caller '%s' is not authorized to perform action: '%s' on neuron '%s'.",
		caller, permissionWord(perm), n.hexID)
}

func permissionWord(p sns.Permission) string {
	switch p {
	case sns.PermissionVote:
		return "NEURON_PERMISSION_TYPE_VOTE"
	case sns.PermissionManagePrincipals:
		return "NEURON_PERMISSION_TYPE_MANAGE_PRINCIPALS"
	}
	return p.String()
}

// setFollowing replaces the followees of each named topic; an empty list clears the topic.
func (c *Canister) setFollowing(n *neuron, topics []sns.FolloweesForTopic) error {
	next := map[sns.TopicID][]string{}
	for t, f := range n.topicFollowees {
		next[t] = f
	}
	seen := map[sns.TopicID]bool{}
	for _, ft := range topics {
		t := ft.Topic.ID()
		if !t.Known() {
			return govErr(errInvalidCommand, "SetFollowing: a topic is unspecified or unknown.")
		}
		if seen[t] {
			return govErr(errInvalidCommand, "SetFollowing: topic %s is set more than once.", t)
		}
		seen[t] = true
		if len(ft.Followees) > maxFolloweesPerTopic {
			return govErr(errInvalidCommand, "SetFollowing: too many followees for topic %s (%d, at most %d).", t, len(ft.Followees), maxFolloweesPerTopic)
		}
		var list []string
		for _, f := range ft.Followees {
			if f.NeuronId == nil {
				return govErr(errInvalidCommand, "SetFollowing: a followee has no neuron id.")
			}
			h := sns.NeuronIDHex(f.NeuronId.Id)
			if _, ok := c.neurons[h]; !ok {
				return govErr(errNotFound, "SetFollowing: followee %s does not exist.", h)
			}
			if h == n.hexID {
				return govErr(errInvalidCommand, "SetFollowing: a neuron cannot follow itself.")
			}
			if !slices.Contains(list, h) {
				list = append(list, h)
			}
		}
		if len(list) == 0 {
			delete(next, t)
		} else {
			next[t] = list
		}
	}
	n.topicFollowees = next
	return nil
}

// follow sets the legacy followees of one function (0: the catch-all).
func (c *Canister) follow(n *neuron, f sns.Follow) error {
	if _, err := c.topicOf(f.FunctionId); f.FunctionId != 0 && err != nil {
		return govErr(errNotFound, "Function with id: %d is not present among the current set of functions.", f.FunctionId)
	}
	if len(f.Followees) > maxFolloweesPerTopic {
		return govErr(errInvalidCommand, "Too many followees.")
	}
	var list []string
	for _, id := range f.Followees {
		h := sns.NeuronIDHex(id.Id)
		if _, ok := c.neurons[h]; !ok {
			return govErr(errNotFound, "The neuron %s does not exist.", h)
		}
		list = append(list, h)
	}
	if len(list) == 0 {
		delete(n.legacy, f.FunctionId)
	} else {
		n.legacy[f.FunctionId] = list
	}
	return nil
}

func addPermissions(n *neuron, a sns.AddNeuronPermissions) error {
	if a.PrincipalId == nil || a.PermissionsToAdd == nil || len(a.PermissionsToAdd.Permissions) == 0 {
		return govErr(errInvalidCommand, "AddNeuronPermissions: principal_id and permissions_to_add are required.")
	}
	for _, p := range a.PermissionsToAdd.Permissions {
		if p < int32(sns.PermissionConfigureDissolveState) || p > int32(sns.PermissionManageVotingPermission) {
			return govErr(errInvalidCommand, "AddNeuronPermissions: unknown permission %d.", p)
		}
	}
	for i, np := range n.perms {
		if np.Principal != nil && np.Principal.Equal(*a.PrincipalId) {
			for _, p := range a.PermissionsToAdd.Permissions {
				if !slices.Contains(np.PermissionType, p) {
					n.perms[i].PermissionType = append(n.perms[i].PermissionType, p)
				}
			}
			slices.Sort(n.perms[i].PermissionType)
			return nil
		}
	}
	pid := *a.PrincipalId
	perms := slices.Clone(a.PermissionsToAdd.Permissions)
	slices.Sort(perms)
	n.perms = append(n.perms, sns.NeuronPermission{Principal: &pid, PermissionType: slices.Compact(perms)})
	return nil
}
