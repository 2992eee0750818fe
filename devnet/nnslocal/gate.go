package nnslocal

import (
	"errors"
	"net"
	"sync"
)

// errDown is what reads and writes on a connection return once the network
// is set down.
var errDown = errors.New("nnslocal: endpoint down (simulated)")

// gate is the network's listener: while down it refuses every new
// connection and breaks the open ones, so clients see "all endpoints down"
// without the server stopping.
type gate struct {
	net.Listener

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
}

func newGate(l net.Listener) *gate {
	return &gate{Listener: l, conns: map[net.Conn]struct{}{}}
}

func (g *gate) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		g.mu.Lock()
		down := g.down
		if !down {
			g.conns[c] = struct{}{}
		}
		g.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		return &gateConn{Conn: c, g: g}, nil
	}
}

// setDown closes the open connections when going down: kept-alive client
// connections must fail too, not only new ones.
func (g *gate) setDown(down bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.down = down
	if !down {
		return
	}
	for c := range g.conns {
		c.Close()
	}
	clear(g.conns)
}

func (g *gate) isDown() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down
}

func (g *gate) forget(c net.Conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.conns, c)
}

// gateConn fails reads and writes while the network is down.
type gateConn struct {
	net.Conn
	g *gate
}

func (c *gateConn) Read(b []byte) (int, error) {
	if c.g.isDown() {
		c.Conn.Close()
		return 0, errDown
	}
	return c.Conn.Read(b)
}

func (c *gateConn) Write(b []byte) (int, error) {
	if c.g.isDown() {
		c.Conn.Close()
		return 0, errDown
	}
	return c.Conn.Write(b)
}

func (c *gateConn) Close() error {
	c.g.forget(c.Conn)
	return c.Conn.Close()
}

// SetDown simulates every endpoint being down (true) or back (false): while
// down, connections are refused and open ones fail. The server and the
// governance clock keep running.
func (n *Network) SetDown(down bool) { n.gate.setDown(down) }
