package snsgov

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/sns"
)

// CanisterID is the id of the canister with index n on the devnet's subnet (the ids the devnet
// hosts: n below 2^44).
func CanisterID(n uint64) principal.Principal {
	raw := make([]byte, 10)
	binary.BigEndian.PutUint64(raw, n)
	raw[8], raw[9] = 0x01, 0x01
	return principal.Principal{Raw: raw}
}

// Deployed is one SNS as SNS-W lists it: its root, governance and ledger.
type Deployed struct {
	Root, Governance, Ledger, Swap, Index principal.Principal
}

// Wasm is SNS-W: list_deployed_snses over the SNSes registered with it.
type Wasm struct {
	mu   sync.RWMutex
	snss []Deployed
}

var _ devnet.Canister = (*Wasm)(nil)

// Register lists d in list_deployed_snses.
func (w *Wasm) Register(d Deployed) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.snss = append(w.snss, d)
}

// ID is SNS-W's mainnet id.
func (w *Wasm) ID() principal.Principal { return principal.MustDecode(sns.WasmCanisterID) }

// CandidService is the part of SNS-W's interface served.
func (w *Wasm) CandidService() string { return sns.WasmDID }

// Methods serves list_deployed_snses.
func (w *Wasm) Methods() map[string]devnet.Method {
	return map[string]devnet.Method{"list_deployed_snses": {Kind: devnet.Query,
		Handle: func(_ context.Context, call devnet.Call) ([]byte, error) {
			if err := decodeAny(call.Arg); err != nil {
				return nil, err
			}
			w.mu.RLock()
			out := sns.ListDeployedSnsesResponse{Instances: []sns.DeployedSns{}}
			for _, d := range w.snss {
				out.Instances = append(out.Instances, sns.DeployedSns{RootCanisterId: ptr(d.Root),
					GovernanceCanisterId: ptr(d.Governance), LedgerCanisterId: ptr(d.Ledger),
					SwapCanisterId: ptr(d.Swap), IndexCanisterId: ptr(d.Index)})
			}
			w.mu.RUnlock()
			return candid.Marshal([]any{out})
		}}}
}

// Root is an SNS root canister: list_sns_canisters.
type Root struct{ Deployed }

var _ devnet.Canister = (*Root)(nil)

// ID is the root's id.
func (r *Root) ID() principal.Principal { return r.Root }

// CandidService is the part of the root's interface served.
func (r *Root) CandidService() string { return sns.RootDID }

// Methods serves list_sns_canisters.
func (r *Root) Methods() map[string]devnet.Method {
	return map[string]devnet.Method{"list_sns_canisters": {Kind: devnet.Query,
		Handle: func(_ context.Context, call devnet.Call) ([]byte, error) {
			if err := decodeAny(call.Arg); err != nil {
				return nil, err
			}
			return candid.Marshal([]any{sns.ListSnsCanistersResponse{Root: ptr(r.Root), Governance: ptr(r.Governance),
				Ledger: ptr(r.Ledger), Swap: ptr(r.Swap), Index: ptr(r.Index),
				Dapps: []principal.Principal{}, Archives: []principal.Principal{}}})
		}}}
}

// IDs allocates the canister ids of the k-th devnet SNS (k from 0): five consecutive ids from
// index 0x10000 + 8k, clear of the NNS canisters.
func IDs(k int) Deployed {
	base := uint64(0x10000 + 8*k)
	return Deployed{Root: CanisterID(base), Governance: CanisterID(base + 1), Ledger: CanisterID(base + 2),
		Swap: CanisterID(base + 3), Index: CanisterID(base + 4)}
}

// Symbol is the token symbol the SNS's ledger answers (Config.Symbol).
func (c *Canister) Symbol() string { return c.cfg.Symbol }

// TotalSupplyE8s is the SNS token's supply, which prices its reward rounds
// (Config.TotalSupplyE8s): what the SNS's ledger answers.
func (c *Canister) TotalSupplyE8s() uint64 { return c.cfg.TotalSupplyE8s }
