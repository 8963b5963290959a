package serve

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"murmur/backend/llm"
)

// Server is a configured `murmur serve`. Make it with New; it is safe for
// concurrent use.
type Server struct {
	cfg       Config
	log       *slog.Logger
	chatURL   string
	modelsURL string
	upstream  string // the upstream's origin, for logs
	client    *http.Client
	key       []byte

	origins     map[string]bool // allowed origins, as browsers write them
	hosts       map[string]bool // their host[:port], for same-origin requests without Origin
	trusted     []netip.Prefix
	limits      chatLimits
	clientLimit *limiter
	originLimit *limiter
	streams     *streamCaps
	conns       atomic.Pointer[connLimiter] // the listener Serve is serving
	refusals    refusals
	app, widget http.Handler
	description []byte // /murmur/server.json
	cert        *tls.Certificate
	bufs        sync.Pool

	now func() time.Time
}

// New checks cfg and makes the server. logger receives the access log and
// the warnings (nil: nothing is logged); the key is redacted from anything
// it is given.
func New(cfg Config, logger *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base, err := llm.ParseBaseURL(cfg.Upstream)
	if err != nil {
		return nil, fmt.Errorf("read the provider's base URL: %w", err)
	}
	endpoint := func(p string) string {
		u := *base
		u.Path = strings.TrimSuffix(u.Path, "/") + p
		u.RawPath = ""
		return u.String()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Key != "" {
		logger = slog.New(&redactHandler{h: logger.Handler(), key: cfg.Key})
	}
	s := &Server{
		cfg:         cfg,
		log:         logger,
		chatURL:     endpoint("/chat/completions"),
		modelsURL:   endpoint("/models"),
		upstream:    base.Scheme + "://" + base.Host,
		key:         []byte(cfg.Key),
		origins:     map[string]bool{},
		hosts:       map[string]bool{},
		clientLimit: newLimiter(cfg.Rate, cfg.Burst),
		originLimit: newLimiter(cfg.OriginRate, cfg.OriginBurst),
		streams:     newStreamCaps(cfg.MaxStreams, cfg.MaxStreamsPerClient),
		now:         time.Now,
	}
	s.bufs.New = func() any { b := make([]byte, 4<<10); return &b }
	for _, o := range append(selfOrigins(cfg), cfg.AllowOrigins...) {
		n, _ := normalizeOrigin(o)
		s.origins[n] = true
		s.hosts[strings.SplitN(n, "://", 2)[1]] = true
	}
	s.trusted, _ = parsePrefixes(cfg.TrustProxies)
	s.limits = chatLimits{maxTokens: cfg.MaxTokens, maxLoops: cfg.MaxLoops, extra: cfg.ExtraBody,
		extraKeys: slices.Sorted(maps.Keys(cfg.ExtraBody))}
	if len(cfg.Models) > 0 {
		s.limits.models = map[string]bool{}
		for _, m := range cfg.Models {
			s.limits.models[m] = true
		}
		s.limits.modelList = slices.Sorted(maps.Keys(s.limits.models))
	}
	transport := cfg.Transport
	if transport == nil {
		transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: cfg.HeaderTimeout,
			ExpectContinueTimeout: time.Second,
			MaxIdleConns:          cfg.MaxStreams + 16,
			MaxIdleConnsPerHost:   cfg.MaxStreams + 16,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		}
	}
	s.client = &http.Client{
		Transport: transport,
		// A redirect would take the key somewhere else: never follow one.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	desc := struct {
		API    string   `json:"api"`
		Models []string `json:"models"`
	}{API: "v1", Models: slices.Compact(append([]string{}, cfg.Models...))}
	s.description, _ = json.Marshal(desc)
	if cfg.App != nil {
		s.app = StaticHandler(cfg.App)
	}
	if cfg.Widget != nil {
		s.widget = http.StripPrefix("/murmur", StaticHandler(cfg.Widget))
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load the TLS certificate (--tls-cert, --tls-key): %w", err)
		}
		s.cert = &cert
	}
	return s, nil
}

// Handler returns the server's HTTP handler: every route, the checks and
// the access log. Run serves it with the right timeouts; a caller that
// serves it some other way must set its own.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Run listens on the configured address and serves until ctx ends, then
// shuts down gracefully (see Serve).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends: with read-header, read, write and
// keep-alive timeouts, a header size cap, connection caps (in total and per
// client, idle connections closed to make room), and TLS when a
// certificate is configured. When ctx ends it stops accepting, gives the
// requests in flight ShutdownTimeout to finish, then closes the rest. It
// returns nil after a shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	limiter := newConnLimiter(ln, s.cfg.MaxConns, s.cfg.MaxConnsPerClient, s.isTrusted, s.noteRefused)
	ln = limiter
	s.conns.Store(limiter)
	hs := &http.Server{
		ConnState:         limiter.connState,
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		// Handlers push this deadline forward on every write, so it bounds
		// a stalled write, not a whole stream.
		WriteTimeout:   s.cfg.WriteTimeout,
		IdleTimeout:    s.cfg.KeepAliveTimeout,
		MaxHeaderBytes: s.cfg.MaxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if s.cert != nil {
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*s.cert}}
	}
	s.logStart(ln.Addr())

	errc := make(chan error, 1)
	go func() {
		if s.cert != nil {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		hs.Close()
	}
	<-errc
	s.log.Info("murmur serve stopped")
	return nil
}

func (s *Server) logStart(addr net.Addr) {
	scheme := "http"
	if s.cert != nil {
		scheme = "https"
	}
	models := "every model"
	if len(s.limits.modelList) > 0 {
		models = strings.Join(s.limits.modelList, ",")
	}
	origins := make([]string, 0, len(s.origins))
	for o := range s.origins {
		origins = append(origins, o)
	}
	slices.Sort(origins)
	s.log.Info("murmur serve listening", "url", scheme+"://"+addr.String(), "upstream", s.upstream,
		"models", models, "origins", strings.Join(origins, ","), "allow_no_origin", s.cfg.AllowNoOrigin)
	if len(s.limits.modelList) == 0 {
		s.log.Warn("every model of the provider may be used: limit them with --models")
	}
	if s.app == nil && s.widget == nil {
		s.log.Warn("no web files were found: the API works, the web app and the widget answer 404 " +
			"(install a package that has them, use murmur-server, or point MURMUR_WEB at make web's dist/web)")
	}
	if s.cert == nil {
		if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
			s.log.Warn("serving plain HTTP on a public address: put a TLS reverse proxy in front or give --tls-cert and --tls-key")
		}
	}
}

// reqInfo is what the access log says about a request.
type reqInfo struct {
	client   string // the client address
	limitKey string // the address the per-client limits count (an IPv6 /64)
	origin   string
	model    string
	stream   bool
	usage    *usage
	note     string // why the server refused or failed, in its own words
	gone     bool   // the client went away before the reply ended
}

func (s *Server) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := newRecorder(rw, s.cfg.WriteTimeout)
	info := &reqInfo{origin: r.Header.Get("Origin")}
	info.client, info.limitKey = s.clientAddr(r)
	defer s.logAccess(r, w, info, start)

	w.Header().Set("X-Content-Type-Options", "nosniff")
	if msg := badTarget(r); msg != "" {
		info.note = msg
		s.fail(w, http.StatusBadRequest, msg)
		return
	}
	switch p := r.URL.Path; {
	case p == "/healthz":
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.fail(w, http.StatusMethodNotAllowed, "use GET /healthz")
			return
		}
		writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`))
	case p == "/v1/chat/completions" || p == "/murmur/v1/chat/completions":
		s.api(w, r, info, http.MethodPost, s.chat)
	case p == "/v1/models" || p == "/murmur/v1/models":
		s.api(w, r, info, http.MethodGet, s.models)
	case p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/murmur/v1" || strings.HasPrefix(p, "/murmur/v1/"):
		info.note = "not a proxied route"
		s.fail(w, http.StatusNotFound, "not found: this server proxies only POST /v1/chat/completions and GET /v1/models")
	case p == "/murmur/server.json":
		// The web app's first-run settings: this server's API, which adds
		// the key, and the models it allows (the first is the default).
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.fail(w, http.StatusMethodNotAllowed, "use GET /murmur/server.json")
			return
		}
		writeJSON(w, http.StatusOK, s.description)
	case p == "/murmur" || strings.HasPrefix(p, "/murmur/"):
		if s.widget == nil {
			s.fail(w, http.StatusNotFound, "not found: this server has no widget files")
			return
		}
		if acao := s.allowedOrigin(r); acao != "" {
			w.Header().Set("Access-Control-Allow-Origin", acao)
		}
		w.Header().Add("Vary", "Origin")
		s.widget.ServeHTTP(w, r)
	default:
		if s.app == nil {
			s.fail(w, http.StatusNotFound, "not found: this server has no web app files")
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", AppCSP)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		s.app.ServeHTTP(w, r)
	}
}

// AppCSP is the Content-Security-Policy of the web app's files (its worker
// included, which compiles the WebAssembly core and calls the providers of
// the user's settings: this server, or any https endpoint that allows it).
// The page cannot be framed by another site. A browser enforces this and the
// page's own <meta> policy both, so this allows at least what the meta does
// (a test reads frontend/index.html): https images, which a reply shows only
// when the reader clicks "Load image", without a referrer.
const AppCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; " +
	"worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; frame-ancestors 'none'"

// badTarget explains a request target that is refused before routing:
// anything but a plain origin-form path (absolute URLs, CONNECT authorities),
// encoded slashes, backslashes, NUL, empty, "." and ".." segments.
func badTarget(r *http.Request) string {
	u := r.URL
	if u.IsAbs() || u.Host != "" || u.Opaque != "" || r.Method == http.MethodConnect {
		return "bad request: this server is not a forward proxy; the request line must hold a path"
	}
	if !strings.HasPrefix(u.Path, "/") {
		return "bad request: the path must start with /"
	}
	raw := strings.ToLower(u.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") ||
		strings.ContainsAny(u.Path, "\\\x00") {
		return "bad request: encoded slashes, backslashes and NUL are not allowed in the path"
	}
	segs := strings.Split(u.Path[1:], "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." || (seg == "" && i < len(segs)-1) {
			return "bad request: the path must not contain empty, . or .. segments"
		}
	}
	return ""
}

// clientAddr returns the client's address and the key the per-client
// limits count: the address itself, or its /64 for IPv6 (one host usually
// owns a whole /64). Behind a trusted proxy the address comes from
// X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) (addr, key string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host, host
	}
	a = a.Unmap().WithZone("")
	if len(s.trusted) > 0 && s.isTrusted(a) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			h = h.Unmap().WithZone("")
			a = h
			if !s.isTrusted(h) {
				break
			}
		}
	}
	return a.String(), limitKey(a)
}

// limitKey is the key the per-client limits count for the address a (no
// zone, not IPv4-mapped): a itself, or its /64 for IPv6.
func limitKey(a netip.Addr) string {
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}

func (s *Server) isTrusted(a netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// api runs the checks every proxied route shares, then handle: the origin
// (403), a preflight answer, the method (405) and the rate limits (429).
func (s *Server) api(w *recorder, r *http.Request, info *reqInfo, method string, handle func(*recorder, *http.Request, *reqInfo)) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Add("Vary", "Origin")
	acao, refusal := s.checkOrigin(r)
	if refusal != "" {
		info.note = refusal
		s.fail(w, http.StatusForbidden, refusal)
		return
	}
	if r.Method == http.MethodOptions {
		s.preflight(w, r, info, acao, method)
		return
	}
	if acao != "" {
		setCORS(h, acao)
	}
	if r.Method != method {
		h.Set("Allow", method+", OPTIONS")
		info.note = "wrong method"
		s.fail(w, http.StatusMethodNotAllowed, fmt.Sprintf("method not allowed: use %s %s", method, r.URL.Path))
		return
	}
	if !s.allowRate(w, info, acao) {
		return
	}
	handle(w, r, info)
}

// allowRate spends a token of the client's bucket and of the origin's.
func (s *Server) allowRate(w *recorder, info *reqInfo, origin string) bool {
	now := s.now()
	if s.clientLimit != nil {
		if ok, wait := s.clientLimit.take(info.limitKey, now); !ok {
			info.note = "rate limit of the client address"
			s.tooMany(w, wait, "too many requests from your address")
			return false
		}
	}
	if s.originLimit != nil && origin != "" {
		if ok, wait := s.originLimit.take(origin, now); !ok {
			info.note = "rate limit of the origin"
			s.tooMany(w, wait, "too many requests from this site")
			return false
		}
	}
	return true
}

func (s *Server) tooMany(w *recorder, wait time.Duration, what string) {
	secs := int(wait.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, http.StatusTooManyRequests, fmt.Sprintf("%s: try again in %d s", what, secs))
}

// fail writes {"detail": msg}, the FastAPI error shape Murmur's client and
// the Swarms API share.
func (s *Server) fail(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"detail": msg})
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// errors that end an upstream request, as context causes.
var (
	errTotalTimeout = errors.New("total timeout")
	errIdleTimeout  = errors.New("idle timeout")
)

// refusals counts the connections closed for their client's cap, for a
// warning at most every 10 s (a flood must not flood the log too).
type refusals struct {
	mu     sync.Mutex
	n      int
	logged time.Time
}

func (s *Server) noteRefused(addr string) {
	r := &s.refusals
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if now := s.now(); now.Sub(r.logged) >= 10*time.Second {
		s.log.Warn("connections refused: a client had too many open and none idle (--max-conns-per-client)",
			"client", addr, "cap", s.cfg.MaxConnsPerClient, "refused", r.n)
		r.n, r.logged = 0, now
	}
}
