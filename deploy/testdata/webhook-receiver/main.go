// Command webhook-receiver is the end-to-end monitoring test's stand-in for a pager and a chat:
// it accepts Alertmanager webhook posts (and votebot's own webhook alerts) on 127.0.0.1 and
// appends one line per alert to a file, which scripts/e2e-monitoring greps:
//
//	/page firing VotebotVoteMissed neuron=1001 proposal_id= instance=
//
// With -notify PATH it also listens for systemd notifications (sd_notify datagrams) on the unix
// socket PATH and appends "notify READY=1" and the like, so the test can play systemd's part of
// Type=notify. With -free-ports N it prints N free loopback TCP ports and exits.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// webhook is the part of Alertmanager's webhook payload (version 4) the test reads.
type webhook struct {
	Version string `json:"version"`
	Status  string `json:"status"`
	Alerts  []struct {
		Status string            `json:"status"`
		Labels map[string]string `json:"labels"`
	} `json:"alerts"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback)")
	out := flag.String("out", "received.log", "file to append one line per received alert to")
	freePorts := flag.Int("free-ports", 0, "print this many free loopback ports and exit")
	notify := flag.String("notify", "", "also receive sd_notify datagrams on this unix socket path")
	flag.Parse()
	if *freePorts > 0 {
		if err := printFreePorts(os.Stdout, *freePorts); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := serve(*listen, *out, *notify); err != nil {
		log.Fatal(err)
	}
}

func printFreePorts(w io.Writer, n int) error {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		fmt.Fprintln(w, l.Addr().(*net.TCPAddr).Port)
	}
	return nil
}

func serve(addr, out, notifyPath string) error {
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open output: %w", err)
	}
	defer f.Close()
	var mu sync.Mutex
	write := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(f, line)
	}
	if notifyPath != "" {
		conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: notifyPath, Net: "unixgram"})
		if err != nil {
			return fmt.Errorf("notify socket: %w", err)
		}
		defer conn.Close()
		go receiveNotifications(conn, write)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, line := range describe(r.URL.Path, body) {
			write(line)
		}
	})
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	log.Printf("webhook-receiver listening on %s, writing %s", addr, out)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// describe turns one post into lines: one per alert for Alertmanager, one "raw" line otherwise.
func describe(path string, body []byte) []string {
	var wh webhook
	if json.Unmarshal(body, &wh) == nil && wh.Version != "" && len(wh.Alerts) > 0 {
		var lines []string
		for _, a := range wh.Alerts {
			l := a.Labels
			lines = append(lines, fmt.Sprintf("%s %s %s neuron=%s proposal_id=%s instance=%s severity=%s",
				path, a.Status, l["alertname"], l["neuron"], l["proposal_id"], l["instance"], l["severity"]))
		}
		return lines
	}
	raw := strings.Join(strings.Fields(string(body)), " ")
	if len(raw) > 300 {
		raw = raw[:300]
	}
	return []string{path + " raw " + raw}
}

// receiveNotifications logs each sd_notify datagram, one line per assignment (READY=1, ...).
func receiveNotifications(conn *net.UnixConn, write func(string)) {
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		for _, field := range strings.Split(strings.TrimSpace(string(buf[:n])), "\n") {
			write("notify " + field)
		}
	}
}
