package serve

import (
	"flag"
	"strconv"
	"strings"
)

// RegisterFlags binds the `murmur serve` flags to c's fields; the current
// field values are the defaults (start from DefaultConfig):
//
//	murmur serve --listen 127.0.0.1:8080 --provider swarms \
//	  --allow-origin https://example.org --allow-origin https://www.example.org \
//	  --models gpt-4o-mini,claude-sonnet-4-20250514 --rate 30/min --burst 10 \
//	  --max-tokens 4096 --max-loops 3 --max-body 1MB
//
// List flags (--allow-origin, --models, --trust-proxy) may be repeated and
// take comma-separated values.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "`address` to listen on (host:port)")
	fs.StringVar(&c.Provider, "provider", c.Provider, "`id` of the provider (from Murmur's settings) to proxy to (default: the settings' default provider)")
	fs.Var((*listFlag)(&c.AllowOrigins), "allow-origin", "browser `origin` allowed to call the API, such as https://example.org (repeatable)")
	fs.BoolVar(&c.AllowNoOrigin, "allow-no-origin", c.AllowNoOrigin, "accept API requests without an Origin header (curl, servers)")
	fs.Var((*listFlag)(&c.TrustProxies), "trust-proxy", "`address` or CIDR of a reverse proxy whose X-Forwarded-For is believed (repeatable)")
	fs.Var((*listFlag)(&c.Models), "models", "comma-separated `models` clients may use (default: every model)")
	fs.Var((*rateFlag)(&c.Rate), "rate", "requests per client address, as a `rate` such as 30/min, or off")
	fs.IntVar(&c.Burst, "burst", c.Burst, "requests a client may make at once before --rate applies")
	fs.Var((*rateFlag)(&c.OriginRate), "origin-rate", "requests per browser origin (all its visitors together), as a `rate` such as 600/min, or off")
	fs.IntVar(&c.OriginBurst, "origin-burst", c.OriginBurst, "requests an origin may make at once before --origin-rate applies")
	fs.IntVar(&c.MaxTokens, "max-tokens", c.MaxTokens, "cap on max_tokens and max_completion_tokens, also sent when a request sets neither (0: no cap)")
	fs.IntVar(&c.MaxLoops, "max-loops", c.MaxLoops, "cap on the Swarms max_loops field (0: no cap)")
	fs.Var((*sizeFlag)(&c.MaxBody), "max-body", "largest request `size` accepted, such as 1MB or 512KB")
	fs.IntVar(&c.MaxStreams, "max-streams", c.MaxStreams, "chat requests in flight at once, in total")
	fs.IntVar(&c.MaxStreamsPerClient, "max-streams-per-client", c.MaxStreamsPerClient, "chat requests in flight at once per client address")
	fs.IntVar(&c.MaxConns, "max-conns", c.MaxConns, "open client connections at once; idle ones are closed for new ones (0: no cap)")
	fs.IntVar(&c.MaxConnsPerClient, "max-conns-per-client", c.MaxConnsPerClient, "open connections of one client address (IPv6: one /64) at once (0: no cap)")
	fs.DurationVar(&c.HeaderTimeout, "header-timeout", c.HeaderTimeout, "how long the provider may take before its reply starts")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.IdleTimeout, "end a stream when the provider sends nothing for this long")
	fs.DurationVar(&c.TotalTimeout, "total-timeout", c.TotalTimeout, "end any chat request that lasts longer")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", c.ReadHeaderTimeout, "how long a client may take to send its request headers")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", c.ReadTimeout, "how long a client may take to send its whole request")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", c.WriteTimeout, "how long one write to a client may stall before it is cut off")
	fs.DurationVar(&c.KeepAliveTimeout, "keepalive-timeout", c.KeepAliveTimeout, "close keep-alive connections idle for this long")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "on stop, how long requests in flight may finish")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "PEM certificate `file`; with --tls-key, serve HTTPS")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "PEM private key `file` for --tls-cert")
}

// listFlag is a repeatable, comma-separated list.
type listFlag []string

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

type rateFlag Rate

func (r *rateFlag) String() string {
	if r == nil {
		return ""
	}
	return Rate(*r).String()
}

func (r *rateFlag) Set(s string) error {
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = rateFlag(v)
	return nil
}

type sizeFlag int64

func (z *sizeFlag) String() string {
	if z == nil {
		return ""
	}
	if *z <= 0 {
		return strconv.FormatInt(int64(*z), 10)
	}
	return formatSize(int64(*z))
}

func (z *sizeFlag) Set(s string) error {
	v, err := ParseSize(s)
	if err != nil {
		return err
	}
	*z = sizeFlag(v)
	return nil
}
