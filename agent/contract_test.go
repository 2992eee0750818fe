package agent

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/agent/internal/candidfast"
	"github.com/votebot/votebot/nns"
)

// The contract fixtures are replies encoded with the NNS dapp's own Candid
// interface (@dfinity/nns, see testdata/contract/README.md): today's shapes
// and the forward-compatibility cases a newer canister would send.

const contractDir = "testdata/contract/replies"

// contractCase is one fixture: the method it answers, the Go type the agent
// decodes it into, and what must come out.
type contractCase struct {
	method string
	into   reflect.Type
	check  func(t *testing.T, out any, drops []candidfast.Drop)
}

var (
	fixturePrincipal = principal.Principal{Raw: []byte{0x42, 0x01}}
	proposalsType    = reflect.TypeFor[nns.ListProposalInfoResponse]()
	neuronsType      = reflect.TypeFor[nns.ListNeuronsResponse]()
	manageType       = reflect.TypeFor[nns.ManageNeuronResponse]()
)

// contractCaseFor maps a fixture name to its case; the action_<Tag> and
// command_<Tag> fixtures (one per case of the dapp's Action and Command_1)
// share a check.
func contractCaseFor(name string) (contractCase, bool) {
	if tag, ok := strings.CutPrefix(name, "action_"); ok {
		return contractCase{"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
			ps := out.(*nns.ListProposalInfoResponse).ProposalInfo
			wantDrops(t, drops)
			if len(ps) != 1 || ps[0].Proposal.Action.Kind() != tag || ps[0].Status != 1 || ps[0].Topic != 4 {
				t.Errorf("got %d proposals, action %q; want 1, %s", len(ps), ps[0].Proposal.Action.Kind(), tag)
			}
		}}, true
	}
	if tag, ok := strings.CutPrefix(name, "command_"); ok {
		return contractCase{"manage_neuron", manageType, func(t *testing.T, out any, drops []candidfast.Drop) {
			wantDrops(t, drops)
			if set := setCases(out.(*nns.ManageNeuronResponse).Command); !slices.Equal(set, []string{tag}) {
				t.Errorf("Command_1 cases set: %v, want [%s]", set, tag)
			}
		}}, true
	}
	c, ok := contractCases[name]
	return c, ok
}

func TestContractFixtures(t *testing.T) {
	seen := runContractFixtures(t, contractDir, contractCaseFor, contractCases)
	for _, tag := range caseNames(reflect.TypeFor[nns.Action]()) {
		if tag != "Batch" && !seen["action_"+tag] {
			t.Errorf("no fixture for Action case %s", tag)
		}
	}
	for _, tag := range caseNames(reflect.TypeFor[nns.Command1]()) {
		if !seen["command_"+tag] {
			t.Errorf("no fixture for Command_1 case %s", tag)
		}
	}
}

// runContractFixtures decodes every fixture of dir through the agent's decode path and runs
// its case's check; every case must have its fixture. It returns the fixtures' names.
func runContractFixtures(t *testing.T, dir string, caseFor func(string) (contractCase, bool), cases map[string]contractCase) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.hex"))
	if err != nil || len(files) < 50 {
		t.Fatalf("%d fixtures (%v): run %s/gen.mjs", len(files), err, dir)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".hex")
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			c, ok := caseFor(name)
			if !ok {
				t.Fatalf("fixture %s has no case here", name)
			}
			out := reflect.New(c.into).Interface()
			drops, err := decodeReply(c.method, readFixture(t, f), out)
			t.Logf("%s", outcome(drops, err))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			c.check(t, out, drops)
		})
	}
	for name := range cases {
		if !seen[name] {
			t.Errorf("fixture %s missing", name)
		}
	}
	return seen
}

func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := hex.DecodeString(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	return reply
}

// outcome is one line of the decode table.
func outcome(drops []candidfast.Drop, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	if len(drops) == 0 {
		return "ok"
	}
	parts := make([]string, len(drops))
	for i, d := range drops {
		parts[i] = d.GoType + " " + d.Tag
	}
	return fmt.Sprintf("ok, %d dropped (%s)", len(drops), strings.Join(parts, "; "))
}

// futureTag is how a Drop names a tag votebot's types and tables lack.
func futureTag(name string) string { return "#" + idl.HashString(name) }

func wantDrops(t *testing.T, got []candidfast.Drop, want ...candidfast.Drop) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("drops = %v, want %v", got, want)
	}
}

// setCases lists the variant cases set in v (a pointer to a variant struct).
func setCases(v any) []string {
	rv := reflect.ValueOf(v)
	if rv.IsNil() {
		return nil
	}
	var set []string
	for i := range rv.Elem().NumField() {
		if f := rv.Elem().Field(i); rv.Elem().Type().Field(i).IsExported() && !f.IsNil() {
			set = append(set, rv.Elem().Type().Field(i).Name)
		}
	}
	return set
}

func caseNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			names = append(names, t.Field(i).Name)
		}
	}
	return names
}

// everyFieldSet reports the first exported pointer or slice field of a
// struct that is nil or empty: the fixtures set every field.
func everyFieldSet(v any) string {
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		f, sf := rv.Field(i), rv.Type().Field(i)
		if sf.IsExported() && ((f.Kind() == reflect.Pointer && f.IsNil()) || (f.Kind() == reflect.Slice && f.Len() == 0)) {
			return sf.Name
		}
	}
	return ""
}
