package serve

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// connLimiter caps the open client connections in total and per client
// address, so that one host cannot take every slot. A client at its own cap
// has its connection idle the longest closed for the new one; with none idle,
// the new connection is closed at once. When every slot is taken, the
// connection idle the longest between requests is closed to make room (a
// browser opens a new one when it needs it); only when none is idle does the
// new connection wait for a slot, until one closes or goes idle.
//
// Closing an idle connection races with a request arriving on it, as a
// keep-alive timeout does: clients retry what they sent on a connection the
// server closed before reading.
type connLimiter struct {
	net.Listener
	max, perClient int
	// exempt is true for an address whose connections are not capped per
	// client: a trusted reverse proxy carries many clients.
	exempt func(netip.Addr) bool

	mu       sync.Mutex
	free     *sync.Cond // signalled when a connection closes or goes idle, or the listener closes
	total    int
	byClient map[string]int
	idle     map[net.Conn]idleConn // as the http.Server sees them (a TLS conn wraps ours)
	closed   bool
	refused  func(addr string) // told of each connection closed for its client's cap
}

type idleConn struct {
	since time.Time
	key   string // its client's key; "" when not capped
}

func newConnLimiter(ln net.Listener, max, perClient int, exempt func(netip.Addr) bool, refused func(string)) *connLimiter {
	l := &connLimiter{
		Listener: ln, max: max, perClient: perClient, exempt: exempt, refused: refused,
		byClient: map[string]int{}, idle: map[net.Conn]idleConn{},
	}
	l.free = sync.NewCond(&l.mu)
	return l
}

// connKey is the key the per-client connection cap counts: the address,
// or its /64 for IPv6, as the request limits count them.
func connKey(a net.Addr) (netip.Addr, string) {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}, a.String()
	}
	ip := ap.Addr().Unmap().WithZone("")
	return ip, limitKey(ip)
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip, key := connKey(c.RemoteAddr())
		if l.perClient == 0 || (ip.IsValid() && l.exempt(ip)) {
			key = ""
		}
		l.mu.Lock()
		if key != "" && l.byClient[key] >= l.perClient {
			v := l.oldestIdle(key)
			if v == nil {
				l.mu.Unlock()
				c.Close()
				l.refused(ip.String())
				continue
			}
			l.shed(v) // unlocks and locks again
		}
		for l.max > 0 && l.total >= l.max && !l.closed {
			if v := l.oldestIdle(""); v != nil {
				l.shed(v)
				continue
			}
			l.free.Wait()
		}
		if l.closed {
			l.mu.Unlock()
			c.Close()
			return nil, net.ErrClosed
		}
		l.total++
		if key != "" {
			l.byClient[key]++
		}
		l.mu.Unlock()
		return &limitedConn{Conn: c, l: l, key: key}, nil
	}
}

// oldestIdle is the connection idle the longest, of the client key or of
// any client (""); nil when none is idle.
func (l *connLimiter) oldestIdle(key string) net.Conn {
	var oldest net.Conn
	var since time.Time
	for c, ic := range l.idle {
		if (key == "" || ic.key == key) && (oldest == nil || ic.since.Before(since)) {
			oldest, since = c, ic.since
		}
	}
	return oldest
}

// shed closes the idle connection v to make room; it is called with l.mu
// held, releases it while closing (the close gives the slot back) and holds
// it again when it returns.
func (l *connLimiter) shed(v net.Conn) {
	delete(l.idle, v)
	l.mu.Unlock()
	if tc, ok := v.(*tls.Conn); ok {
		v = tc.NetConn() // no close_notify to a client that may not read
	}
	v.Close()
	l.mu.Lock()
}

// connState is the http.Server's ConnState hook: it keeps the set of
// connections idle between requests, and wakes an Accept waiting for room.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st != http.StateIdle {
		delete(l.idle, c)
		return
	}
	key := ""
	inner := c
	if tc, ok := c.(*tls.Conn); ok {
		inner = tc.NetConn()
	}
	if lc, ok := inner.(*limitedConn); ok {
		key = lc.key
	}
	l.idle[c] = idleConn{since: time.Now(), key: key}
	l.free.Signal()
}

func (l *connLimiter) Close() error {
	l.mu.Lock()
	l.closed = true
	l.free.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

func (l *connLimiter) release(key string) {
	l.mu.Lock()
	l.total--
	if key != "" {
		if l.byClient[key]--; l.byClient[key] <= 0 {
			delete(l.byClient, key)
		}
	}
	l.free.Signal()
	l.mu.Unlock()
}

// counts returns the open connections and how many are idle.
func (l *connLimiter) counts() (open, idle int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, len(l.idle)
}

// limitedConn gives its slot back when closed, once.
type limitedConn struct {
	net.Conn
	l    *connLimiter
	key  string
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.key) })
	return err
}
