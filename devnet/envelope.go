package devnet

//lint:file-ignore ST1005 the devnet answers with the replica's own error messages, capitalized as the IC writes them

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
)

// selfDescribeTag is the CBOR self-describe tag (55799) every IC body
// starts with.
var selfDescribeTag = []byte{0xd9, 0xd9, 0xf7}

// decMode decodes request bodies strictly: text map keys only, duplicate
// keys rejected (they would make the request id ambiguous), bounded depth.
var decMode = func() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  16,
		MaxArrayElements: 65536,
		MaxMapPairs:      1024,
		DefaultMapType:   reflect.TypeOf(map[string]any(nil)),
		IndefLength:      cbor.IndefLengthAllowed,
	}.DecMode()
	if err != nil {
		panic(err) // static options: cannot fail at run time
	}
	return m
}()

// encMode encodes responses with sorted keys (as the replica does).
var encMode = func() cbor.EncMode {
	m, err := cbor.CanonicalEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// encodeCBOR encodes v with the self-describe tag in front.
func encodeCBOR(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(slices.Clone(selfDescribeTag), b...), nil
}

// requestType is the content's request_type.
type requestType string

const (
	typeCall      requestType = "call"
	typeQuery     requestType = "query"
	typeReadState requestType = "read_state"
)

// content is the typed view of an envelope's content map. The raw map is
// kept so that the request id covers every field, known or not.
type content struct {
	raw           map[string]any
	RequestType   requestType
	Sender        principal.Principal
	IngressExpiry uint64
	Nonce         []byte
	CanisterID    principal.Principal
	MethodName    string
	Arg           []byte
	Paths         [][][]byte
}

// delegation is one link of a sender delegation chain.
type delegation struct {
	raw        map[string]any // the delegation map, hashed for the signature
	PubKey     []byte
	Expiration uint64
	Targets    []principal.Principal // nil: no restriction
	HasTargets bool
	Signature  []byte
}

// envelope is a decoded request body.
type envelope struct {
	Content     content
	RequestID   [32]byte
	SenderKey   []byte
	SenderSig   []byte
	Delegations []delegation
	HasKey      bool
	HasSig      bool
}

// decodeEnvelope parses a CBOR request body. Every error is a client error
// (HTTP 400); the function never panics on any input.
func decodeEnvelope(body []byte) (*envelope, error) {
	var top map[string]any
	if err := decMode.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("Failed to deserialize cbor request: %v", err)
	}
	env := &envelope{}
	rawContent, ok := top["content"].(map[string]any)
	if !ok {
		return nil, errors.New("Failed to deserialize cbor request: missing or invalid field `content`")
	}
	for k := range top {
		switch k {
		case "content", "sender_pubkey", "sender_sig", "sender_delegation":
		default:
			return nil, fmt.Errorf("Failed to deserialize cbor request: unknown field `%s`", k)
		}
	}
	var err error
	if env.SenderKey, env.HasKey, err = optBytes(top, "sender_pubkey"); err != nil {
		return nil, err
	}
	if env.SenderSig, env.HasSig, err = optBytes(top, "sender_sig"); err != nil {
		return nil, err
	}
	if env.Delegations, err = decodeDelegations(top["sender_delegation"]); err != nil {
		return nil, err
	}
	if err := env.Content.parse(rawContent); err != nil {
		return nil, err
	}
	if env.RequestID, err = hashMap(rawContent); err != nil {
		return nil, fmt.Errorf("Failed to deserialize cbor request: %v", err)
	}
	return env, nil
}

func (c *content) parse(m map[string]any) error {
	c.raw = m
	rt, err := reqString(m, "request_type")
	if err != nil {
		return err
	}
	c.RequestType = requestType(rt)
	sender, err := reqBytes(m, "sender")
	if err != nil {
		return err
	}
	c.Sender = principal.Principal{Raw: sender}
	exp, ok := m["ingress_expiry"].(uint64)
	if !ok {
		return errors.New("Failed to deserialize cbor request: missing or invalid field `ingress_expiry`")
	}
	c.IngressExpiry = exp
	if c.Nonce, _, err = optBytes(m, "nonce"); err != nil {
		return err
	}
	switch c.RequestType {
	case typeCall, typeQuery:
		cid, err := reqBytes(m, "canister_id")
		if err != nil {
			return err
		}
		c.CanisterID = principal.Principal{Raw: cid}
		if c.MethodName, err = reqString(m, "method_name"); err != nil {
			return err
		}
		if c.Arg, err = reqBytes(m, "arg"); err != nil {
			return err
		}
	case typeReadState:
		paths, ok := m["paths"].([]any)
		if !ok {
			return errors.New("Failed to deserialize cbor request: missing or invalid field `paths`")
		}
		for _, p := range paths {
			labels, ok := p.([]any)
			if !ok {
				return errors.New("Failed to deserialize cbor request: a path is not an array")
			}
			path := make([][]byte, 0, len(labels))
			for _, l := range labels {
				b, ok := l.([]byte)
				if !ok {
					return errors.New("Failed to deserialize cbor request: a path label is not a blob")
				}
				path = append(path, b)
			}
			c.Paths = append(c.Paths, path)
		}
	default:
		return fmt.Errorf("Failed to deserialize cbor request: unknown request_type %q", rt)
	}
	return nil
}

func decodeDelegations(v any) ([]delegation, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("Failed to deserialize cbor request: invalid field `sender_delegation`")
	}
	out := make([]delegation, 0, len(list))
	for _, item := range list {
		signed, ok := item.(map[string]any)
		if !ok {
			return nil, errors.New("Failed to deserialize cbor request: invalid signed delegation")
		}
		d, ok := signed["delegation"].(map[string]any)
		if !ok {
			return nil, errors.New("Failed to deserialize cbor request: invalid delegation")
		}
		sig, err := reqBytes(signed, "signature")
		if err != nil {
			return nil, err
		}
		pk, err := reqBytes(d, "pubkey")
		if err != nil {
			return nil, err
		}
		exp, ok := d["expiration"].(uint64)
		if !ok {
			return nil, errors.New("Failed to deserialize cbor request: invalid delegation expiration")
		}
		del := delegation{raw: d, PubKey: pk, Expiration: exp, Signature: sig}
		if t, present := d["targets"]; present {
			targets, ok := t.([]any)
			if !ok {
				return nil, errors.New("Failed to deserialize cbor request: invalid delegation targets")
			}
			del.HasTargets = true
			for _, target := range targets {
				b, ok := target.([]byte)
				if !ok {
					return nil, errors.New("Failed to deserialize cbor request: invalid delegation target")
				}
				del.Targets = append(del.Targets, principal.Principal{Raw: b})
			}
		}
		out = append(out, del)
	}
	return out, nil
}

func reqBytes(m map[string]any, key string) ([]byte, error) {
	b, present, err := optBytes(m, key)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, fmt.Errorf("Failed to deserialize cbor request: missing field `%s`", key)
	}
	return b, nil
}

func optBytes(m map[string]any, key string) ([]byte, bool, error) {
	v, present := m[key]
	if !present {
		return nil, false, nil
	}
	b, ok := v.([]byte)
	if !ok {
		return nil, false, fmt.Errorf("Failed to deserialize cbor request: field `%s` is not a blob", key)
	}
	return b, true, nil
}

func reqString(m map[string]any, key string) (string, error) {
	s, ok := m[key].(string)
	if !ok {
		return "", fmt.Errorf("Failed to deserialize cbor request: missing or invalid field `%s`", key)
	}
	return s, nil
}

// hashValue is the representation-independent hash of one CBOR value.
func hashValue(v any) ([32]byte, error) {
	switch v := v.(type) {
	case []byte:
		return sha256.Sum256(v), nil
	case string:
		return sha256.Sum256([]byte(v)), nil
	case uint64:
		return sha256.Sum256(leb128(v)), nil
	case []any:
		h := sha256.New()
		for _, e := range v {
			eh, err := hashValue(e)
			if err != nil {
				return [32]byte{}, err
			}
			h.Write(eh[:])
		}
		var out [32]byte
		h.Sum(out[:0])
		return out, nil
	case map[string]any:
		return hashMap(v)
	default:
		return [32]byte{}, fmt.Errorf("unsupported value of type %T in request", v)
	}
}

// hashMap is the representation-independent hash of a map: the sorted
// concatenation of sha256(key) ‖ hash(value) rows.
func hashMap(m map[string]any) ([32]byte, error) {
	rows := make([][]byte, 0, len(m))
	for k, v := range m {
		vh, err := hashValue(v)
		if err != nil {
			return [32]byte{}, err
		}
		kh := sha256.Sum256([]byte(k))
		rows = append(rows, append(kh[:], vh[:]...))
	}
	slices.SortFunc(rows, bytes.Compare)
	h := sha256.New()
	for _, r := range rows {
		h.Write(r)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out, nil
}

// leb128 encodes n as unsigned LEB128.
func leb128(n uint64) []byte {
	var out []byte
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// rawCBOR is an already encoded CBOR item embedded in a response.
type rawCBOR = cbor.RawMessage
