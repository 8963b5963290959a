package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// AuthStyle is how a provider expects the API key.
type AuthStyle string

const (
	// AuthXAPIKey sends the key in an "x-api-key" header (the Swarms default).
	AuthXAPIKey AuthStyle = "x-api-key"
	// AuthBearer sends "Authorization: Bearer <key>" (OpenAI and most others).
	AuthBearer AuthStyle = "bearer"
	// AuthNone sends no credentials (local servers such as Ollama).
	AuthNone AuthStyle = "none"
)

// SwarmsBaseURL is the base URL of the Swarms API, with its /v1 prefix.
const SwarmsBaseURL = "https://api.swarms.world/v1"

// Provider describes one OpenAI-compatible endpoint. It holds no secret: the
// key is passed per call (or found through the client's KeySource).
type Provider struct {
	// ID names the provider in settings and in the key store.
	ID string
	// BaseURL is the API root that "/chat/completions" and "/models" are
	// appended to, e.g. "https://api.swarms.world/v1". A URL without a path
	// ("https://api.swarms.world") gets "/v1" appended.
	BaseURL string
	// Auth is the auth style; empty means AuthXAPIKey for the Swarms host and
	// AuthBearer otherwise.
	Auth AuthStyle
	// Headers are extra non-secret headers sent with every request.
	Headers map[string]string
	// ExtraBody holds extra top-level JSON fields merged into every chat
	// request body. Fields the request itself sets win.
	ExtraBody map[string]json.RawMessage
}

// Swarms returns the default Swarms provider.
func Swarms() Provider {
	return Provider{ID: "swarms", BaseURL: SwarmsBaseURL, Auth: AuthXAPIKey}
}

// authStyle resolves the empty default.
func (p Provider) authStyle() AuthStyle {
	if p.Auth != "" {
		return p.Auth
	}
	if u, err := url.Parse(p.BaseURL); err == nil && strings.EqualFold(u.Hostname(), "api.swarms.world") {
		return AuthXAPIKey
	}
	return AuthBearer
}

// endpoint returns the parsed base URL joined with path (which starts with "/").
func (p Provider) endpoint(path string) (*url.URL, error) {
	u, err := ParseBaseURL(p.BaseURL)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	return u, nil
}

// ParseBaseURL checks a provider base URL and returns it normalised: http or
// https, a host, no credentials, query or fragment; an empty path becomes "/v1".
func ParseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the provider has no base URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the base URL %q is not a valid URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("the base URL %q must start with https:// or http://", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("the base URL %q has no host", raw)
	}
	if u.User != nil {
		return nil, errors.New("the base URL must not contain a user name or password; store the key separately")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the base URL %q must not have a query or fragment", u.Redacted())
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1"
	}
	return u, nil
}

// InsecureWarning returns a warning for a base URL that sends data over plain
// http to a host that is not on this machine, or "" when there is nothing to
// warn about (https, or http to a loopback address).
func InsecureWarning(baseURL string) string {
	u, err := ParseBaseURL(baseURL)
	if err != nil || u.Scheme != "http" {
		return ""
	}
	host := u.Hostname()
	if loopbackHost(host) {
		return ""
	}
	return fmt.Sprintf("%s uses plain http: the API key and your messages travel unencrypted", host)
}

// loopbackHost tells whether the host name h is this machine: localhost, a
// name under .localhost, or a loopback address.
func loopbackHost(h string) bool {
	h = strings.ToLower(h)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Unmap().IsLoopback()
}
