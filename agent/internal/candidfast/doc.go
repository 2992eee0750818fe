// Package candidfast decodes Candid replies into the agent's Go types: a
// bounds check that keeps hostile input away from agent-go v0.9.2's decoder
// (which crashes the process on some malformed messages), agent-go's own
// wire parse (candid.Decode), and a value→Go mapper that replaces
// idl.UnmarshalGo.
//
// Why a mapper of our own: agent-go finds the Go field of every record field
// by hashing each struct field's name with math/big on every comparison,
// per record, per reply. Decoding one list_neurons page of 500 full neurons
// with 50 recent ballots each (BenchmarkDecodeListNeurons500, 0.8 MB, on a
// shared 2-core machine): candid.Unmarshal 1.57–2.34 s/op, 227 MB and 11.6
// million allocations; Decode 0.10–0.15 s/op, 46 MB, 0.57 million; of
// which agent-go's wire parse alone is 0.06–0.10 s.
//
// Why the mapper is also where the Candid opt rule lives: a value under
// opt that does not fit the expected type (a variant tag the Go type lacks,
// or any other mismatch) decodes as null, as the Candid spec says and as
// DFINITY's own clients do. agent-go does not implement the rule, so no
// reply may reach idl.UnmarshalGo with a value under opt that could fail:
// the mapper only hands idl the leaves (numbers, text, principals…).
package candidfast
