package agent

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/aviate-labs/agent-go/candid"

	"github.com/votebot/votebot/nns"
)

// voteArgs encodes manage_neuron RegisterVote arguments without agent-go's
// reflective Candid encoder, which rebuilds the whole ManageNeuron type
// table (hundreds of types) on every call and was a third of a vote's CPU.
//
// The encoding of a RegisterVote request differs between calls only in
// three fixed-width values (neuron id and proposal id: nat64, 8 bytes
// little-endian; vote: int32, 4 bytes), so it is encoded once by
// candid.Marshal with marker values and then patched. The template is
// checked against candid.Marshal for other values before use; if the
// check fails, every call uses candid.Marshal.
type voteArgs struct {
	once                     sync.Once
	template                 []byte
	neuron, proposal, voteAt int
	err                      error
	// success is agent-go's encoding of RegisterVote's success reply; a
	// reply equal to it needs no decoding (other encodings of the same
	// value, e.g. the real canister's, are decoded as usual).
	success []byte
}

// Markers: distinctive values whose encodings occur once in the template.
const (
	markNeuron   = 0x5c0ffee15badf00d
	markProposal = 0x7e57ab1ede7ec7ed
	markVote     = 0x3acadab7
)

func encodeVote(neuronID, proposalID uint64, vote int32) ([]byte, error) {
	cmd := hotkeyCommand{registerVote: &nns.RegisterVote{Vote: vote, Proposal: &nns.ProposalId{Id: proposalID}}}
	return candid.Marshal([]any{cmd.request(neuronID)})
}

// encode is the Candid argument of RegisterVote(neuronID, proposalID, vote).
func (v *voteArgs) encode(neuronID, proposalID uint64, vote nns.Vote) ([]byte, error) {
	v.once.Do(v.build)
	if v.err != nil {
		return encodeVote(neuronID, proposalID, int32(vote))
	}
	return v.patch(neuronID, proposalID, int32(vote)), nil
}

func (v *voteArgs) patch(neuronID, proposalID uint64, vote int32) []byte {
	out := bytes.Clone(v.template)
	binary.LittleEndian.PutUint64(out[v.neuron:], neuronID)
	binary.LittleEndian.PutUint64(out[v.proposal:], proposalID)
	binary.LittleEndian.PutUint32(out[v.voteAt:], uint32(vote))
	return out
}

// isSuccess reports whether reply is the known encoding of success.
func (v *voteArgs) isSuccess(reply []byte) bool {
	v.once.Do(v.build)
	return v.success != nil && bytes.Equal(reply, v.success)
}

func (v *voteArgs) build() {
	if ok, err := candid.Marshal([]any{nns.ManageNeuronResponse{Command: &nns.Command1{RegisterVote: &nns.EmptyRecord{}}}}); err == nil {
		v.success = ok
	}
	tmpl, err := encodeVote(markNeuron, markProposal, markVote)
	if err != nil {
		v.err = err
		return
	}
	v.template = tmpl
	if v.neuron, err = onlyOffset(tmpl, binary.LittleEndian.AppendUint64(nil, markNeuron)); err == nil {
		if v.proposal, err = onlyOffset(tmpl, binary.LittleEndian.AppendUint64(nil, markProposal)); err == nil {
			v.voteAt, err = onlyOffset(tmpl, binary.LittleEndian.AppendUint32(nil, markVote))
		}
	}
	if err != nil {
		v.err = err
		return
	}
	for _, c := range []struct {
		n, p uint64
		vote int32
	}{{1, 2, int32(nns.VoteYes)}, {1 << 63, 123456789, int32(nns.VoteNo)}} {
		want, err := encodeVote(c.n, c.p, c.vote)
		if err != nil || !bytes.Equal(want, v.patch(c.n, c.p, c.vote)) {
			v.err = errors.New("register vote template does not match the encoder")
			return
		}
	}
}

// onlyOffset is where mark occurs in b; it must occur exactly once.
func onlyOffset(b, mark []byte) (int, error) {
	i := bytes.Index(b, mark)
	if i < 0 || bytes.Contains(b[i+1:], mark) {
		return 0, fmt.Errorf("marker %x not found exactly once", mark)
	}
	return i, nil
}
