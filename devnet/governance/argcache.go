package governance

import (
	"bytes"
	"sync"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"

	"github.com/votebot/votebot/devnet"
)

// argHeader decodes one method's argument faster when it starts with the
// header (magic, type table, argument types) that agent-go writes for the
// argument's Go type: the types parsed from that header the first time
// are kept and only the values are decoded after it. Parsing
// ManageNeuron's type table (hundreds of types) costs far more than a
// vote. Identical header bytes parse to identical types, and a Candid
// header is self-delimiting, so the result is what candid.Unmarshal
// gives. Arguments with any other header (other agents order type tables
// differently) decode in full.
type argHeader struct {
	once   sync.Once
	zero   any    // a value of the argument's Go type
	header []byte // nil if it cannot be derived
	mu     sync.Mutex
	t      idl.Type // parsed from header; nil until an argument brought it
}

// decode decodes the single Candid argument arg into v, as decodeArg.
func (h *argHeader) decode(arg []byte, v any) error {
	h.once.Do(h.derive)
	if h.header == nil || !bytes.HasPrefix(arg, h.header) {
		return decodeArg(arg, v)
	}
	h.mu.Lock()
	t := h.t
	h.mu.Unlock()
	if t == nil {
		if err := decodeArg(arg, v); err != nil {
			return err
		}
		if types, _, err := candid.Decode(arg); err == nil && len(types) == 1 {
			h.mu.Lock()
			h.t = types[0]
			h.mu.Unlock()
		}
		return nil
	}
	vs, err := t.Decode(bytes.NewReader(arg[len(h.header):]))
	if err == nil {
		err = idl.UnmarshalGo(t, vs, v)
	}
	if err != nil {
		return &devnet.CandidError{Err: err}
	}
	return nil
}

func (h *argHeader) derive() {
	t, err := idl.TypeOf(h.zero)
	if err != nil {
		return
	}
	if header, err := candidHeader(t); err == nil {
		h.header = header
	}
}

// learnt reports whether the header's types are known (for tests).
func (h *argHeader) learnt() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.t != nil
}
