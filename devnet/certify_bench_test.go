package devnet

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// BenchmarkCertificateStatuses measures one call's certificate (the
// request_status/<id> witness and the signature) with n statuses stored:
// the cost must not grow linearly with n.
func BenchmarkCertificateStatuses(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 50_000} {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			s, err := New(Config{Logger: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			ids := make([][32]byte, n)
			for i := range ids {
				var seed [8]byte
				binary.BigEndian.PutUint64(seed[:], uint64(i))
				ids[i] = sha256.Sum256(seed[:])
				s.requests.put(ids[i], requestStatus{Status: "replied", Reply: []byte("DIDL\x00\x00")}, now)
			}
			i := 0
			for b.Loop() {
				id := ids[i%n]
				i++
				if _, err := s.certificate([][][]byte{{[]byte("request_status"), id[:]}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRequestPut measures storing one status with n stored.
func BenchmarkRequestPut(b *testing.B) {
	for _, n := range []int{1_000, 50_000} {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			l := newRequestLog()
			now := time.Now()
			for i := range n {
				var seed [8]byte
				binary.BigEndian.PutUint64(seed[:], uint64(i))
				l.put(sha256.Sum256(seed[:]), requestStatus{Status: "replied"}, now)
			}
			i := n
			for b.Loop() {
				var seed [8]byte
				binary.BigEndian.PutUint64(seed[:], uint64(i))
				i++
				l.put(sha256.Sum256(seed[:]), requestStatus{Status: "replied"}, now)
			}
		})
	}
}

// BenchmarkCertificateParallel: many responses at once share rounds, so
// a certificate costs less than a signature each.
func BenchmarkCertificateParallel(b *testing.B) {
	s, err := New(Config{Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	id := sha256.Sum256([]byte("x"))
	s.requests.put(id, requestStatus{Status: "replied"}, time.Now())
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.certificate([][][]byte{{[]byte("request_status"), id[:]}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
