package serve

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per key (a client address or an
// origin): burst tokens at most, refilled at rate per second. Buckets that
// have refilled completely are forgotten, so memory follows the number of
// recently active keys.
type limiter struct {
	rate  float64 // tokens per second
	burst float64

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(r Rate, burst int) *limiter {
	if r.perSecond() <= 0 {
		return nil
	}
	return &limiter{rate: r.perSecond(), burst: float64(burst), buckets: map[string]*bucket{}}
}

// take spends one token of key's bucket. When there is none it returns false
// and how long until there is one.
func (l *limiter) take(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = math.Min(l.burst, b.tokens+dt*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// fullAfter is how long an empty bucket takes to refill completely.
func (l *limiter) fullAfter() time.Duration {
	return time.Duration(l.burst / l.rate * float64(time.Second))
}

// sweep forgets the buckets that are full again, at most once a refill period.
func (l *limiter) sweep(now time.Time) {
	period := max(l.fullAfter(), time.Second)
	if now.Sub(l.lastSweep) < period {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// size returns how many buckets are kept.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// streamCaps counts the chat requests in flight, per client and in total.
type streamCaps struct {
	total, perClient int

	mu       sync.Mutex
	n        int
	byClient map[string]int
}

func newStreamCaps(total, perClient int) *streamCaps {
	return &streamCaps{total: total, perClient: perClient, byClient: map[string]int{}}
}

// capReason says which cap refused a request.
type capReason int

const (
	capNone capReason = iota
	capClient
	capTotal
)

// acquire claims a slot for client; release must be called once when the
// request ends.
func (c *streamCaps) acquire(client string) (release func(), refused capReason) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byClient[client] >= c.perClient {
		return nil, capClient
	}
	if c.n >= c.total {
		return nil, capTotal
	}
	c.n++
	c.byClient[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.n--
			if c.byClient[client]--; c.byClient[client] <= 0 {
				delete(c.byClient, client)
			}
		})
	}, capNone
}

// inFlight returns the requests in flight.
func (c *streamCaps) inFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
