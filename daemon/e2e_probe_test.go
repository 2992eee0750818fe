package daemon_test

import (
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"
)

// heapProfileEnv names a file the child bot process rewrites with a heap
// profile every 10 s (the idle benchmark reads it).
const heapProfileEnv = "VOTEBOT_CHILD_HEAPPROFILE"

// startHeapProfiler writes the child's heap profile periodically when
// heapProfileEnv is set.
func startHeapProfiler() {
	path := os.Getenv(heapProfileEnv)
	if path == "" {
		return
	}
	go func() {
		for range time.Tick(10 * time.Second) {
			runtime.GC()
			f, err := os.Create(path + ".tmp")
			if err != nil {
				return
			}
			err = pprof.Lookup("heap").WriteTo(f, 0)
			if f.Close() != nil || err != nil {
				return
			}
			_ = os.Rename(path+".tmp", path)
			if t, err := os.Create(path + ".txt"); err == nil { // with runtime.MemStats
				_ = pprof.Lookup("heap").WriteTo(t, 1)
				_ = t.Close()
			}
			if b, err := os.ReadFile("/proc/self/smaps"); err == nil { // RSS by mapping
				_ = os.WriteFile(path+".smaps", b, 0o600)
			}
		}
	}()
}

// byteProxy forwards TCP connections to a target and counts the bytes
// each way: the bot's traffic on the wire (HTTP headers and bodies).
type byteProxy struct {
	ln     net.Listener
	target string
	up, dn atomic.Int64
}

// newByteProxy listens on localhost in front of rawURL; URL() is the
// address to configure instead.
func newByteProxy(t *testing.T, rawURL string) *byteProxy {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &byteProxy{ln: ln, target: u.Host}
	go p.serve()
	t.Cleanup(func() { _ = ln.Close() })
	return p
}

func (p *byteProxy) URL() string { return "http://" + p.ln.Addr().String() }

// Bytes returns request and response bytes so far.
func (p *byteProxy) Bytes() (up, down int64) { return p.up.Load(), p.dn.Load() }

func (p *byteProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *byteProxy) forward(c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(counted{s, &p.up}, c)
		_ = s.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	_, _ = io.Copy(counted{c, &p.dn}, s)
	_ = c.(*net.TCPConn).CloseWrite()
	<-done
}

// counted counts bytes as they are written (keep-alive connections stay
// open for the whole measurement).
type counted struct {
	w io.Writer
	n *atomic.Int64
}

func (c counted) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
