package policy

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/votebot/votebot/sns"
)

func snsID(b byte) []byte { return bytes.Repeat([]byte{b}, sns.NeuronIDLen) }

func TestSNSFollowingDiff(t *testing.T) {
	a, b := snsID(0xaa), snsID(0xbb)
	nonCritical := []sns.TopicID{sns.TopicSnsFrameworkManagement, sns.TopicDappCanisterManagement,
		sns.TopicApplicationBusinessLogic, sns.TopicGovernance}
	every := func(ids ...[]byte) map[sns.TopicID][][]byte {
		m := map[sns.TopicID][][]byte{}
		for _, t := range nonCritical {
			m[t] = ids
		}
		return m
	}
	tests := []struct {
		name         string
		wanted       map[sns.TopicID][][]byte
		actual       map[sns.TopicID][][]byte
		want         map[sns.TopicID][][]byte
		warnContains []string
	}{
		{name: "nothing managed", want: map[sns.TopicID][][]byte{}},
		{name: "one topic set", wanted: map[sns.TopicID][][]byte{sns.TopicGovernance: {a}},
			want: map[sns.TopicID][][]byte{sns.TopicGovernance: {a}}},
		{name: "already so, in another order, with a repeat",
			wanted: map[sns.TopicID][][]byte{sns.TopicGovernance: {b, a, a}},
			actual: map[sns.TopicID][][]byte{sns.TopicGovernance: {a, b}}, want: map[sns.TopicID][][]byte{}},
		{name: "empty list clears", wanted: map[sns.TopicID][][]byte{sns.TopicGovernance: {}},
			actual: map[sns.TopicID][][]byte{sns.TopicGovernance: {a}},
			want:   map[sns.TopicID][][]byte{sns.TopicGovernance: {}}},
		{name: "catch-all covers the non-critical topics only, and warns",
			wanted: map[sns.TopicID][][]byte{sns.TopicUnspecified: {a}}, want: every(a),
			warnContains: []string{"never covers critical", "DaoCommunitySettings", "TreasuryAssetManagement", "CriticalDappOperations"}},
		{name: "a named topic beats the catch-all; named critical topics quiet the warning",
			wanted: map[sns.TopicID][][]byte{sns.TopicUnspecified: {a}, sns.TopicGovernance: {b},
				sns.TopicDaoCommunitySettings: {b}, sns.TopicTreasuryAssetManagement: {b}, sns.TopicCriticalDappOperations: {b}},
			want: func() map[sns.TopicID][][]byte {
				m := every(a)
				m[sns.TopicGovernance] = [][]byte{b}
				for _, t := range []sns.TopicID{sns.TopicDaoCommunitySettings, sns.TopicTreasuryAssetManagement, sns.TopicCriticalDappOperations} {
					m[t] = [][]byte{b}
				}
				return m
			}()},
		{name: "critical topics already followed on chain: no warning",
			wanted: map[sns.TopicID][][]byte{sns.TopicUnspecified: {a}},
			actual: map[sns.TopicID][][]byte{sns.TopicDaoCommunitySettings: {b}, sns.TopicTreasuryAssetManagement: {b},
				sns.TopicCriticalDappOperations: {b}},
			want: every(a)},
		{name: "malformed followee: topic left as is", wanted: map[sns.TopicID][][]byte{sns.TopicGovernance: {{1, 2}}},
			want: map[sns.TopicID][][]byte{}, warnContains: []string{"Governance", "2 bytes"}},
		{name: "too many followees", wanted: map[sns.TopicID][][]byte{sns.TopicGovernance: func() [][]byte {
			var ids [][]byte
			for i := range MaxFollowees + 1 {
				ids = append(ids, snsID(byte(i)))
			}
			return ids
		}()}, want: map[sns.TopicID][][]byte{}, warnContains: []string{"16 followees"}},
		{name: "unknown topic", wanted: map[sns.TopicID][][]byte{42: {a}}, want: map[sns.TopicID][][]byte{},
			warnContains: []string{"Topic(42)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := SNSFollowingDiff(tt.wanted, tt.actual)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("changes = %x\nwant %x", got, tt.want)
			}
			all := strings.Join(warns, "\n")
			for _, w := range tt.warnContains {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", all, w)
				}
			}
			if len(tt.warnContains) == 0 && len(warns) > 0 {
				t.Errorf("unexpected warnings %q", warns)
			}
		})
	}
}
