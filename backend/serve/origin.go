package serve

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// corsHeaders are the request headers a cross-origin page may send. Clients'
// Authorization and x-api-key are allowed through the preflight (SDKs send a
// placeholder key) and then dropped: the server adds its own.
const corsHeaders = "Content-Type, Accept, Authorization, X-Api-Key"

// checkOrigin decides whether an API request may proceed. acao is the origin
// to name in Access-Control-Allow-Origin ("" when no CORS headers are due);
// refusal, when not empty, is why the request is refused with 403.
//
// A request with an Origin header is accepted when that origin is on the
// allow-list. One without is accepted with AllowNoOrigin, or when the Host it
// was sent to is an allowed origin's and the browser says it comes from a
// page of this very server (Sec-Fetch-Site: same-origin, as for a same-origin
// GET, which carries no Origin), or it is a GET without Fetch Metadata (what
// a browser sends to a plain-HTTP origin that is not loopback). Checking the Host keeps DNS rebinding out: a
// page of another site whose name now points here sends its own Host.
func (s *Server) checkOrigin(r *http.Request) (acao, refusal string) {
	values := r.Header.Values("Origin")
	switch {
	case len(values) > 1:
		return "", "forbidden: the request has more than one Origin header"
	case len(values) == 0 || values[0] == "":
		if s.cfg.AllowNoOrigin {
			return "", ""
		}
		if s.hosts[normalizeHost(r.Host)] {
			switch site := r.Header.Get("Sec-Fetch-Site"); {
			case site == "same-origin":
				return "", ""
			case site == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && !s.overHTTPS(r):
				// Browsers send no Fetch Metadata to a plain-HTTP origin
				// that is not loopback (http://192.168.1.5:8080), and a
				// same-origin GET carries no Origin: the web app's model
				// list. A read that another site could trigger there
				// gives it nothing it can read. Over https browsers
				// always send Fetch Metadata, so its absence is a script.
				return "", ""
			}
		}
		return "", fmt.Sprintf("forbidden: this request has no Origin header and %s is not an allowed origin's address: "+
			"for the web app opened at that address, list it with --allow-origin (e.g. --allow-origin https://%s); "+
			"for scripts and other servers, --allow-no-origin", printable(r.Host), printable(r.Host))
	}
	if n := s.listed(values[0]); n != "" {
		return n, ""
	}
	return "", fmt.Sprintf("forbidden: the origin %s is not allowed to use this server (see --allow-origin)", printable(values[0]))
}

// normalizeHost writes a Host header as normalizeOrigin writes an origin's
// host: lower case, without the default ports.
func normalizeHost(host string) string {
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil && (port == "80" || port == "443") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// selfOrigins are the origins of this server's own pages when it listens on
// a fixed loopback port: http://127.0.0.1:8080, http://localhost:8080 and
// http://[::1]:8080 for the default address (https with TLS). Its web app
// then works without --allow-origin. On other addresses the public name is
// not known here: list it with --allow-origin.
func selfOrigins(cfg Config) []string {
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil || port == "" || port == "0" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); !(strings.EqualFold(host, "localhost") || (err == nil && ip.IsLoopback())) {
		return nil
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	var out []string
	for _, h := range []string{"127.0.0.1", "localhost", "[::1]"} {
		out = append(out, scheme+"://"+h+":"+port)
	}
	return out
}

// allowedOrigin returns the request's origin when it is on the allow-list
// (for the widget's files), or "".
func (s *Server) allowedOrigin(r *http.Request) string {
	values := r.Header.Values("Origin")
	if len(values) != 1 {
		return ""
	}
	return s.listed(values[0])
}

// listed returns the origin o as browsers write it when it is on the
// allow-list, or "".
func (s *Server) listed(o string) string {
	if n, err := normalizeOrigin(o); err == nil && s.origins[n] {
		return n
	}
	return ""
}

// printable bounds a client-given text (an origin, a path, a model name)
// for messages and logs: at most about 200 bytes, control characters
// replaced.
func printable(o string) string {
	var b strings.Builder
	for _, r := range o {
		if b.Len() >= 200 {
			b.WriteString("…")
			break
		}
		if r < ' ' || r == 0x7f {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// setCORS adds the headers of an allowed cross-origin response.
func setCORS(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id")
}

// preflight answers a CORS preflight of an allowed origin.
func (s *Server) preflight(w *recorder, r *http.Request, info *reqInfo, acao, method string) {
	if r.Header.Get("Access-Control-Request-Method") == "" {
		w.Header().Set("Allow", method+", OPTIONS")
		info.note = "OPTIONS without Access-Control-Request-Method"
		s.fail(w, http.StatusMethodNotAllowed, "method not allowed: OPTIONS is only for CORS preflights")
		return
	}
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if acao != "" {
		h.Set("Access-Control-Allow-Origin", acao)
		h.Set("Access-Control-Allow-Methods", method)
		h.Set("Access-Control-Allow-Headers", corsHeaders)
		h.Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
}

// overHTTPS tells whether the browser sent r over https: to this server's
// TLS, or to a trusted reverse proxy that says so (X-Forwarded-Proto).
func (s *Server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if len(s.trusted) == 0 || !strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && s.isTrusted(a.Unmap())
}
