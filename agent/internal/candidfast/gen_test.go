package candidfast

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"
)

// valueGen builds random Go values of the reply types for the differential
// tests: options nil or set, vectors nil, empty or filled, every variant
// case, numbers across their whole range (nats beyond 64 bits).
type valueGen struct {
	rnd *rand.Rand
}

func newValueGen(seed uint64) *valueGen {
	return &valueGen{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

var (
	natType       = reflect.TypeFor[idl.Nat]()
	intType       = reflect.TypeFor[idl.Int]()
	principalType = reflect.TypeFor[principal.Principal]()
	nullType      = reflect.TypeFor[idl.Null]()
)

// value returns a random value of t; depth bounds the nesting.
func (g *valueGen) value(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	switch t {
	case natType:
		v.Set(reflect.ValueOf(idl.NewBigNat(g.bigNat())))
		return v
	case intType:
		n := g.bigNat()
		if g.rnd.IntN(2) == 0 {
			n.Neg(n)
		}
		v.Set(reflect.ValueOf(idl.NewBigInt(n)))
		return v
	case principalType:
		v.Set(reflect.ValueOf(principal.Principal{Raw: g.bytes(29)}))
		return v
	case nullType:
		return v
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(g.rnd.IntN(2) == 0)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(g.edgy(g.rnd.Uint64()) >> (64 - t.Bits()))
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(g.edgy(g.rnd.Uint64())) >> (64 - t.Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(float32(g.rnd.NormFloat64() * 1e6)))
	case reflect.String:
		v.SetString(g.text())
	case reflect.Pointer:
		if depth > 0 && g.rnd.IntN(4) > 0 {
			p := reflect.New(t.Elem())
			p.Elem().Set(g.value(t.Elem(), depth-1))
			v.Set(p)
		}
	case reflect.Slice:
		g.fillSlice(v, depth)
	case reflect.Struct:
		if isVariantStruct(t) {
			g.fillVariant(v, depth)
		} else {
			for i := range t.NumField() {
				if t.Field(i).IsExported() {
					v.Field(i).Set(g.value(t.Field(i).Type, depth-1))
				}
			}
		}
	default:
		panic("valueGen: unsupported type " + t.String())
	}
	return v
}

func (g *valueGen) fillSlice(v reflect.Value, depth int) {
	if depth <= 0 || g.rnd.IntN(5) == 0 {
		return // nil: encoded as an empty vector
	}
	n := g.rnd.IntN(4)
	if v.Type().Elem().Kind() == reflect.Uint8 {
		n = g.rnd.IntN(40)
	}
	s := reflect.MakeSlice(v.Type(), n, n)
	for i := range n {
		s.Index(i).Set(g.value(v.Type().Elem(), depth-1))
	}
	v.Set(s)
}

// fillVariant sets exactly one case of a variant struct; the case's value
// never nil, since that is how a case is chosen.
func (g *valueGen) fillVariant(v reflect.Value, depth int) {
	var cases []int
	for i := range v.NumField() {
		if v.Type().Field(i).IsExported() {
			cases = append(cases, i)
		}
	}
	f := v.Field(cases[g.rnd.IntN(len(cases))])
	p := reflect.New(f.Type().Elem())
	p.Elem().Set(g.value(f.Type().Elem(), max(depth-1, 1)))
	f.Set(p)
}

// edgy turns a random number into an edge value now and then.
func (g *valueGen) edgy(n uint64) uint64 {
	switch g.rnd.IntN(8) {
	case 0:
		return 0
	case 1:
		return ^uint64(0)
	case 2:
		return 1 << 63
	case 3:
		return n >> g.rnd.IntN(64)
	}
	return n
}

func (g *valueGen) bigNat() *big.Int {
	bs := g.bytes(24)
	return new(big.Int).SetBytes(bs)
}

func (g *valueGen) bytes(maxLen int) []byte {
	bs := make([]byte, g.rnd.IntN(maxLen+1))
	for i := range bs {
		bs[i] = byte(g.rnd.Uint32())
	}
	return bs
}

func (g *valueGen) text() string {
	pieces := []string{"", "a", "motion", "Ünïcødé", "🗳", "\x00", "<b>&</b>", "@everyone"}
	var b strings.Builder
	for range g.rnd.IntN(4) {
		b.WriteString(pieces[g.rnd.IntN(len(pieces))])
	}
	return b.String()
}

// isVariantStruct reports whether t is a Go struct standing for a Candid
// variant: every exported field tagged ",variant".
func isVariantStruct(t reflect.Type) bool {
	n := 0
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			continue
		}
		if !idl.ParseTags(t.Field(i)).VariantType {
			return false
		}
		n++
	}
	return n > 0
}
