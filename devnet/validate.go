package devnet

import (
	"bytes"
	"time"

	"github.com/aviate-labs/agent-go/principal"
)

// authorized is what validation learned about a request's sender.
type authorized struct {
	targets    []principal.Principal
	restricted bool // delegation targets restrict the canisters
}

func (a authorized) allows(id principal.Principal) bool {
	if !a.restricted {
		return true
	}
	for _, t := range a.targets {
		if bytes.Equal(t.Raw, id.Raw) {
			return true
		}
	}
	return false
}

// validate runs the replica's checks shared by every endpoint: request
// type, effective canister id, ingress expiry, sender and signatures, at
// the replica's time now.
func validate(env *envelope, want requestType, effective principal.Principal, canisterEndpoint bool, now time.Time) (authorized, *httpError) {
	c := &env.Content
	if c.RequestType != want {
		return authorized{}, badRequest("Failed to deserialize cbor request: expected request_type %q, got %q", want, c.RequestType)
	}
	if want != typeReadState && canisterEndpoint && !bytes.Equal(c.CanisterID.Raw, effective.Raw) {
		return authorized{}, badRequest("Specified CanisterId %s does not match effective canister id in URL %s", c.CanisterID, effective)
	}
	// Anonymous queries and read_state are not expiry-checked: @icp-sdk/core
	// loops syncing time when they are rejected.
	skipExpiry := c.Sender.IsAnonymous() && want != typeCall
	if !skipExpiry {
		if err := checkExpiry(c.IngressExpiry, now); err != nil {
			return authorized{}, badRequest("%s", err)
		}
	}
	targets, restricted, err := authenticate(env, now)
	if err != nil {
		return authorized{}, badRequest("%s", err)
	}
	auth := authorized{targets: targets, restricted: restricted}
	if want != typeReadState && !auth.allows(c.CanisterID) {
		return authorized{}, badRequest("Invalid delegation: Canister %s is not one of the delegation targets.", c.CanisterID)
	}
	return auth, nil
}
