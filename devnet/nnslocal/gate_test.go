package nnslocal_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet/nnslocal"
)

// TestSetDown: while down, every request fails — new connections and a
// kept-alive one — and the network serves again once back up.
func TestSetDown(t *testing.T) {
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	client := &http.Client{Timeout: 2 * time.Second} // keeps connections alive between requests
	get := func() error {
		resp, err := client.Get(n.URL + "/api/v2/status")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	if err := get(); err != nil {
		t.Fatalf("up: %v", err)
	}
	n.SetDown(true)
	for i := range 3 {
		if err := get(); err == nil {
			t.Fatalf("down: request %d succeeded", i)
		}
	}
	if err := get(); err == nil {
		t.Fatal("down: a fresh client's request succeeded")
	}
	n.SetDown(false)
	if err := get(); err != nil {
		t.Fatalf("back up: %v", err)
	}
}
