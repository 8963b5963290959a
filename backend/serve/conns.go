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
// address. A client over its own cap has its new connection closed at once,
// so that one host cannot take every slot. When every slot is taken, the
// connection idle the longest between requests is closed to make room (a
// browser opens a new one when it needs it); only when none is idle does the
// new connection wait for a slot.
type connLimiter struct {
	net.Listener
	max, perClient int
	// exempt is true for an address whose connections are not capped per
	// client: a trusted reverse proxy carries many clients.
	exempt func(netip.Addr) bool

	mu       sync.Mutex
	free     *sync.Cond // signalled when a connection closes or the listener does
	total    int
	byClient map[string]int
	idle     map[net.Conn]time.Time // as the http.Server sees them (a TLS conn wraps ours)
	closed   bool
	refused  func(addr string) // told of each connection closed for its client's cap
}

func newConnLimiter(ln net.Listener, max, perClient int, exempt func(netip.Addr) bool, refused func(string)) *connLimiter {
	l := &connLimiter{
		Listener: ln, max: max, perClient: perClient, exempt: exempt, refused: refused,
		byClient: map[string]int{}, idle: map[net.Conn]time.Time{},
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
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return ip, p.String()
		}
	}
	return ip, ip.String()
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip, key := connKey(c.RemoteAddr())
		capped := l.perClient > 0 && !(ip.IsValid() && l.exempt(ip))
		l.mu.Lock()
		if capped && l.byClient[key] >= l.perClient {
			l.mu.Unlock()
			c.Close()
			l.refused(ip.String())
			continue
		}
		for l.max > 0 && l.total >= l.max && !l.closed {
			if v := l.oldestIdle(); v != nil {
				delete(l.idle, v)
				l.mu.Unlock()
				if tc, ok := v.(*tls.Conn); ok {
					v = tc.NetConn() // no close_notify to a client that may not read
				}
				v.Close() // its release signals free
				l.mu.Lock()
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
		if capped {
			l.byClient[key]++
		} else {
			key = ""
		}
		l.mu.Unlock()
		return &limitedConn{Conn: c, l: l, key: key}, nil
	}
}

func (l *connLimiter) oldestIdle() net.Conn {
	var oldest net.Conn
	var since time.Time
	for c, t := range l.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = c, t
		}
	}
	return oldest
}

// connState is the http.Server's ConnState hook: it keeps the set of
// connections idle between requests.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st == http.StateIdle {
		l.idle[c] = time.Now()
	} else {
		delete(l.idle, c)
	}
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

// counts returns the open connections and how many are idle.
func (l *connLimiter) counts() (open, idle int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, len(l.idle)
}
