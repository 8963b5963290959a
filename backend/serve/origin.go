package serve

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// corsHeaders are the request headers a cross-origin page may send. Clients'
// Authorization and x-api-key are allowed through the preflight (SDKs send a
// placeholder key) and then dropped: the server adds its own.
const corsHeaders = "Content-Type, Accept, Authorization, X-Api-Key"

// checkOrigin decides whether an API request may proceed. acao is the origin
// to name in Access-Control-Allow-Origin ("" when no CORS headers are due:
// same-origin or origin-less requests); refusal, when not empty, is why the
// request is refused with 403.
//
// A request is accepted when its Origin is on the allow-list; when the
// browser says it comes from this very server's pages (Sec-Fetch-Site:
// same-origin, with an Origin, if any, naming the Host it was sent to); or,
// with AllowNoOrigin, when it has no Origin at all.
func (s *Server) checkOrigin(r *http.Request) (acao, refusal string) {
	values := r.Header.Values("Origin")
	sameOrigin := r.Header.Get("Sec-Fetch-Site") == "same-origin"
	switch {
	case len(values) > 1:
		return "", "forbidden: the request has more than one Origin header"
	case len(values) == 0 || values[0] == "":
		if sameOrigin || s.cfg.AllowNoOrigin {
			return "", ""
		}
		return "", "forbidden: requests without an Origin header are refused (start murmur serve with --allow-no-origin to accept them)"
	}
	origin := values[0]
	if n, err := normalizeOrigin(origin); err == nil && s.origins[n] {
		return n, ""
	}
	if sameOrigin && sameHost(origin, r.Host) {
		return "", ""
	}
	return "", fmt.Sprintf("forbidden: the origin %s is not allowed to use this server (see --allow-origin)", printable(origin))
}

// allowedOrigin returns the request's origin when it is on the allow-list
// (for the widget's files), or "".
func (s *Server) allowedOrigin(r *http.Request) string {
	values := r.Header.Values("Origin")
	if len(values) != 1 {
		return ""
	}
	if n, err := normalizeOrigin(values[0]); err == nil && s.origins[n] {
		return n
	}
	return ""
}

// sameHost reports whether origin names host (the request's Host header),
// default ports aside.
func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	h := url.URL{Host: host}
	strip := func(scheme, port string) string {
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			return ""
		}
		return port
	}
	return strings.EqualFold(u.Hostname(), h.Hostname()) && strip(u.Scheme, u.Port()) == strip(u.Scheme, h.Port())
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
