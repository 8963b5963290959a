package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"murmur/backend/llm"
	"murmur/backend/secrets"
)

// Config is everything `murmur serve` needs. DefaultConfig gives the
// defaults; RegisterFlags binds the command-line flags to the fields. The
// upstream (Upstream, Auth, Key) is not a flag: the CLI resolves the
// --provider id from Murmur's settings and the key store and fills it in.
type Config struct {
	// Listen is the TCP address to listen on (default 127.0.0.1:8080).
	Listen string
	// Provider is the provider id given with --provider; the CLI turns it
	// into Upstream, Auth and Key. The server itself does not read it.
	Provider string

	// Upstream is the provider's API base URL with its /v1 prefix, e.g.
	// "https://api.swarms.world/v1". "/chat/completions" and "/models" are
	// appended to it; nothing else is ever requested from it.
	Upstream string
	// Auth is how the key is sent: x-api-key, bearer or none.
	Auth llm.AuthStyle
	// Key is the API key added to every upstream request.
	Key string
	// Headers are the provider's extra non-secret headers (from its
	// settings), sent with every upstream request.
	Headers map[string]string
	// ExtraBody holds the provider's extra top-level JSON fields (from its
	// settings), added to every chat request that does not set them itself.
	ExtraBody map[string]json.RawMessage

	// AllowOrigins are the browser origins ("https://example.org") allowed
	// to call the API from another site.
	AllowOrigins []string
	// AllowNoOrigin accepts API requests without an Origin header (curl,
	// servers). They are refused otherwise.
	AllowNoOrigin bool
	// TrustProxies are the addresses or CIDR prefixes of reverse proxies in
	// front of this server. For requests from them, the client address is
	// taken from X-Forwarded-For (the right-most address that is not a
	// trusted proxy). Empty: X-Forwarded-For is ignored.
	TrustProxies []string

	// Models are the models clients may use; empty allows every model.
	Models []string
	// Rate and Burst are the token bucket per client address: Burst requests
	// at once, refilled at Rate. A zero Rate turns the limit off.
	Rate  Rate
	Burst int
	// OriginRate and OriginBurst are the token bucket per browser origin,
	// shared by every client of that site. A zero OriginRate turns it off.
	OriginRate  Rate
	OriginBurst int
	// MaxTokens caps max_tokens and max_completion_tokens; when a request
	// sets neither, max_tokens is set to it. 0: no cap.
	MaxTokens int
	// MaxLoops caps the Swarms max_loops field. 0: no cap.
	MaxLoops int
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody int64
	// MaxStreams caps the chat requests (streamed or not) in flight in
	// total; MaxStreamsPerClient caps them per client address.
	MaxStreams          int
	MaxStreamsPerClient int
	// MaxConns caps the open client connections: at the cap, the connection
	// idle the longest is closed for a new one, and when none is idle the new
	// one waits in the listen queue. 0: no cap. MaxConnsPerClient caps them
	// per client address (IPv6: per /64; trusted proxies are not capped): a
	// client's connection over it is closed at once. 0: no cap.
	MaxConns          int
	MaxConnsPerClient int

	// HeaderTimeout is how long the upstream may take before its response
	// starts (headers and first body byte). The Swarms API runs its whole
	// agent first, so this is long by default (10 minutes).
	HeaderTimeout time.Duration
	// IdleTimeout ends a stream when the upstream has sent nothing for this
	// long after it started.
	IdleTimeout time.Duration
	// TotalTimeout ends any chat request that lasts longer.
	TotalTimeout time.Duration
	// ReadHeaderTimeout and ReadTimeout bound how long a client may take to
	// send its request headers, and its whole request.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// WriteTimeout is how long one write to a client may stall: a client
	// that stops reading is cut off after it. Long streams are fine as long
	// as the client keeps reading.
	WriteTimeout time.Duration
	// KeepAliveTimeout closes idle keep-alive connections.
	KeepAliveTimeout time.Duration
	// ShutdownTimeout is how long Run waits for requests in flight when its
	// context ends before it closes the rest.
	ShutdownTimeout time.Duration
	// MaxHeaderBytes caps the size of a request's headers.
	MaxHeaderBytes int

	// TLSCert and TLSKey are PEM files; with both set the server speaks
	// HTTPS (and HTTP/2).
	TLSCert string
	TLSKey  string

	// App holds the web app, served at "/"; Widget holds the widget's files,
	// served at "/murmur/". Either may be nil (then nothing is served there).
	App    fs.FS
	Widget fs.FS

	// Transport, when set, carries the upstream requests (tests). Nil: a
	// transport with the usual dial and TLS timeouts.
	Transport http.RoundTripper
}

// DefaultListen is the default listen address: this machine only.
const DefaultListen = "127.0.0.1:8080"

// DefaultConfig returns the defaults of every limit and timeout.
func DefaultConfig() Config {
	return Config{
		Listen:              DefaultListen,
		Auth:                llm.AuthXAPIKey,
		Rate:                Rate{N: 30, Per: time.Minute},
		Burst:               10,
		OriginRate:          Rate{N: 600, Per: time.Minute},
		OriginBurst:         100,
		MaxBody:             1 << 20,
		MaxStreams:          256,
		MaxStreamsPerClient: 4,
		MaxConns:            4096,
		MaxConnsPerClient:   64,
		HeaderTimeout:       10 * time.Minute,
		IdleTimeout:         2 * time.Minute,
		TotalTimeout:        20 * time.Minute,
		ReadHeaderTimeout:   10 * time.Second,
		ReadTimeout:         30 * time.Second,
		WriteTimeout:        30 * time.Second,
		KeepAliveTimeout:    60 * time.Second,
		ShutdownTimeout:     10 * time.Second,
		MaxHeaderBytes:      32 << 10,
	}
}

// NoKeyAdvice says that provider id (named name) has no API key, and how to
// give it one on a server: the environment variables, or the keychain where
// there is one.
func NoKeyAdvice(id, name string) string {
	if id == "" {
		return "no API key for the provider: choose it with --provider and set its key with `murmur key set ID`"
	}
	if name == "" {
		name = id
	}
	return fmt.Sprintf("no API key for %s: set %s in the environment, or run `murmur key set %s` where a keychain is available",
		name, secrets.EnvHint(id), id)
}

// maxBodyLimit bounds MaxBody: a chat request larger than this is not one.
const maxBodyLimit = 64 << 20

// Validate reports every problem of the configuration, naming the flag to
// change where there is one.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		bad("--listen: %q is not a host:port address such as 127.0.0.1:8080", c.Listen)
	}
	if c.Upstream == "" {
		bad("no upstream API: choose a provider with --provider")
	} else if _, err := llm.ParseBaseURL(c.Upstream); err != nil {
		bad("the provider's base URL is not usable: %v", err)
	}
	switch c.Auth {
	case llm.AuthXAPIKey, llm.AuthBearer:
		if c.Key == "" {
			bad("%s", NoKeyAdvice(c.Provider, c.Provider))
		} else if !validKey(c.Key) {
			bad("the provider's API key contains spaces or control characters")
		}
	case llm.AuthNone:
		if c.Key != "" {
			bad("the provider's auth style is none but a key was given")
		}
	default:
		bad("the provider's auth style %q is not x-api-key, bearer or none", c.Auth)
	}
	for k, v := range c.Headers {
		if !httpguts.ValidHeaderFieldName(k) || !httpguts.ValidHeaderFieldValue(v) {
			bad("the provider's header %q is not a valid HTTP header", k)
		} else if reservedHeaders[http.CanonicalHeaderKey(k)] {
			bad("the provider's header %q is set by murmur serve itself and cannot be configured", k)
		}
	}
	for k, v := range c.ExtraBody {
		if !json.Valid(v) {
			bad("the provider's extra body field %q is not valid JSON", k)
		}
	}
	for _, o := range c.AllowOrigins {
		if _, err := normalizeOrigin(o); err != nil {
			bad("--allow-origin: %v", err)
		}
	}
	if _, err := parsePrefixes(c.TrustProxies); err != nil {
		bad("--trust-proxy: %v", err)
	}
	for _, m := range c.Models {
		if strings.TrimSpace(m) == "" || m != strings.TrimSpace(m) {
			bad("--models: %q is not a model name", m)
		}
	}
	if c.Rate.N < 0 || (c.Rate.N > 0 && c.Rate.Per <= 0) {
		bad("--rate: %s is not a rate such as 30/min", c.Rate)
	}
	if c.Rate.N > 0 && c.Burst < 1 {
		bad("--burst must be at least 1 when --rate is set")
	}
	if c.OriginRate.N < 0 || (c.OriginRate.N > 0 && c.OriginRate.Per <= 0) {
		bad("--origin-rate: %s is not a rate such as 600/min", c.OriginRate)
	}
	if c.OriginRate.N > 0 && c.OriginBurst < 1 {
		bad("--origin-burst must be at least 1 when --origin-rate is set")
	}
	if c.MaxTokens < 0 {
		bad("--max-tokens must not be negative (0 means no cap)")
	}
	if c.MaxLoops < 0 {
		bad("--max-loops must not be negative (0 means no cap)")
	}
	if c.MaxBody <= 0 || c.MaxBody > maxBodyLimit {
		bad("--max-body must be between 1 byte and 64MB, not %s", formatSize(c.MaxBody))
	}
	if c.MaxStreams < 1 {
		bad("--max-streams must be at least 1")
	}
	if c.MaxStreamsPerClient < 1 || c.MaxStreamsPerClient > c.MaxStreams {
		bad("--max-streams-per-client must be between 1 and --max-streams (%d)", c.MaxStreams)
	}
	if c.MaxConns < 0 {
		bad("--max-conns must not be negative (0 means no cap)")
	}
	if c.MaxConnsPerClient < 0 {
		bad("--max-conns-per-client must not be negative (0 means no cap)")
	}
	if c.MaxHeaderBytes < 1024 {
		bad("the header size limit must be at least 1KB")
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{
		{"--header-timeout", c.HeaderTimeout}, {"--idle-timeout", c.IdleTimeout}, {"--total-timeout", c.TotalTimeout},
		{"--read-header-timeout", c.ReadHeaderTimeout}, {"--read-timeout", c.ReadTimeout},
		{"--write-timeout", c.WriteTimeout}, {"--keepalive-timeout", c.KeepAliveTimeout},
		{"--shutdown-timeout", c.ShutdownTimeout},
	} {
		if d.v <= 0 {
			bad("%s must be longer than 0", d.flag)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("--tls-cert and --tls-key go together: give both or neither")
	}
	return errors.Join(errs...)
}

// reservedHeaders are the upstream request headers the server sets.
var reservedHeaders = map[string]bool{
	"Authorization": true, "X-Api-Key": true, "Host": true, "Content-Type": true, "Content-Length": true,
	"Transfer-Encoding": true, "Connection": true, "Accept": true, "Accept-Encoding": true, "Cookie": true,
	"Upgrade": true, "Te": true, "Trailer": true, "Proxy-Authorization": true,
}

// validKey reports a key that can go into a header as is.
func validKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] == 0x7f {
			return false
		}
	}
	return true
}

// Rate is a number of requests per period; the zero Rate is "off".
type Rate struct {
	N   int
	Per time.Duration
}

// perSecond returns the refill rate in tokens per second.
func (r Rate) perSecond() float64 {
	if r.N <= 0 || r.Per <= 0 {
		return 0
	}
	return float64(r.N) / r.Per.Seconds()
}

// String formats the rate as "30/min" (or "off").
func (r Rate) String() string {
	if r.N <= 0 {
		return "off"
	}
	for _, u := range rateUnits {
		if r.Per == u.d {
			return strconv.Itoa(r.N) + "/" + u.names[0]
		}
	}
	return strconv.Itoa(r.N) + "/" + r.Per.String()
}

var rateUnits = []struct {
	names []string
	d     time.Duration
}{
	{[]string{"s", "sec", "second"}, time.Second},
	{[]string{"min", "m", "minute"}, time.Minute},
	{[]string{"h", "hour"}, time.Hour},
	{[]string{"day", "d"}, 24 * time.Hour},
}

// ParseRate reads "30/min", "2/s", "100/hour", "5/10s" or "off".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	num, per, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 {
		return Rate{}, fmt.Errorf("%q is not a rate: write a count and a period, such as 30/min, 2/s or off", s)
	}
	per = strings.ToLower(strings.TrimSpace(per))
	for _, u := range rateUnits {
		for _, name := range u.names {
			if per == name || per == name+"s" {
				return Rate{N: n, Per: u.d}, nil
			}
		}
	}
	if d, err := time.ParseDuration(per); err == nil && d > 0 {
		return Rate{N: n, Per: d}, nil
	}
	return Rate{}, fmt.Errorf("%q is not a rate: the period %q is not s, min, hour, day or a duration such as 10s", s, per)
}

// ParseSize reads a byte size: "1MB", "512KB", "1MiB", "65536". KB and MB
// are powers of 1024, as in nginx.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.m
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f*float64(mult) > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is not a size such as 1MB, 512KB or 65536", s)
	}
	return int64(f * float64(mult)), nil
}

// formatSize writes n the way ParseSize reads it.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10) + "B"
}

// normalizeOrigin checks an allowed origin and returns it as a browser
// serialises it: lower-case scheme and host, no default port, no path.
func normalizeOrigin(s string) (string, error) {
	if strings.Contains(s, "*") {
		return "", fmt.Errorf("%q: wildcards are not allowed; list each origin", s)
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not an origin such as https://example.org", s)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an origin: give only the scheme, host and port, such as https://example.org", s)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("%q has an invalid port", s)
		}
		return scheme + "://" + host + ":" + port, nil
	}
	return scheme + "://" + host, nil
}

// parsePrefixes reads addresses and CIDR prefixes.
func parsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or a prefix such as 10.0.0.0/8", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
