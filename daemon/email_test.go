package daemon

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
)

// plainSMTP is an SMTP server without STARTTLS that records the messages
// it accepts.
func plainSMTP(t *testing.T) (addr string, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSMTP(c, got)
		}
	}()
	return ln.Addr().String(), got
}

func serveSMTP(c net.Conn, got chan<- string) {
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 test ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
		case "EHLO", "HELO":
			fmt.Fprint(c, "250-test\r\n250 8BITMIME\r\n")
		case "DATA":
			fmt.Fprint(c, "354 go on\r\n")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			got <- msg.String()
			fmt.Fprint(c, "250 queued\r\n")
		case "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			return
		default:
			fmt.Fprint(c, "250 ok\r\n")
		}
	}
}

// The email channel's transport security comes from the config: a server
// on a trusted local network without TLS is reachable only when the
// operator says `security: none` (the default insists on STARTTLS).
func TestEmailChannelSecurityFromConfig(t *testing.T) {
	addr, got := plainSMTP(t)
	host, port, _ := net.SplitHostPort(addr)
	yml := func(security string) []byte {
		return []byte(fmt.Sprintf(`identity: {pem_file: /etc/votebot/hotkey.pem}
neurons: [{id: 1}]
alerts:
  channels:
    mail:
      type: email
      smtp: {host: %s, port: %s, from: votebot@example.org, to: [ops@example.org]%s}
`, host, port, security))
	}
	send := func(t *testing.T, data []byte) error {
		t.Helper()
		cfg, err := config.Parse("votebot.yaml", data, nil)
		if err != nil {
			t.Fatal(err)
		}
		routes, err := Routes(cfg.Alerts)
		if err != nil || len(routes) != 1 {
			t.Fatalf("routes %v, %v", routes, err)
		}
		return routes[0].Notifier.Send(context.Background(),
			alert.Alert{Kind: alert.KindPollStale, Text: "no poll", Instance: "test"})
	}
	if err := send(t, yml("")); err == nil {
		t.Error("default security sent over a server without STARTTLS")
	}
	if err := send(t, yml(", security: none")); err != nil {
		t.Fatalf("security: none: %v", err)
	}
	if msg := <-got; !strings.Contains(msg, "no poll") {
		t.Errorf("message without the alert text:\n%s", msg)
	}
}

// The SMTP password_file goes through the one reader of secret files: a
// file others may read is refused (as a key file is), the trailing newline
// is no part of the password.
func TestEmailPasswordFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("s3cret\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file, wantErr string
	}{
		{"owner only", write("ok", 0o600), ""},
		{"readable by others", write("open", 0o644), "has mode 0644: it must not be accessible by group or others"},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("votebot.yaml", []byte(`identity: {pem_file: /etc/votebot/hotkey.pem}
neurons: [{id: 1}]
alerts: {channels: {mail: {type: email, smtp: {host: 127.0.0.1, from: a@example.org, to: [b@example.org], password_file: `+tt.file+`}}}}
`), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Routes(cfg.Alerts)
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Routes: %v, want error with %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
