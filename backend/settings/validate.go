package settings

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"
)

// FieldError is one problem with one setting.
type FieldError struct {
	// Path names the setting, e.g. "defaults.temperature" or
	// "providers[1].headers.Authorization".
	Path string `json:"path"`
	// Message says what is wrong in words a person understands.
	Message string `json:"message"`
	// Warning is true for a problem that does not stop a save.
	Warning bool `json:"warning"`
}

// Error returns the path and the message.
func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// ValidationError is what Save returns for settings with errors. It lists
// every problem, warnings included.
type ValidationError struct {
	Problems []FieldError
}

// Error counts the errors and names the first few.
func (e *ValidationError) Error() string {
	errs := Errors(e.Problems)
	var b strings.Builder
	fmt.Fprintf(&b, "the settings have %d problem(s)", len(errs))
	for i, fe := range errs {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(errs)-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Errors returns the problems that are not warnings.
func Errors(problems []FieldError) []FieldError {
	var out []FieldError
	for _, p := range problems {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns the problems that are warnings.
func Warnings(problems []FieldError) []FieldError {
	var out []FieldError
	for _, p := range problems {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

const keychainAdvice = "API keys are secrets: put keys in the keychain (the key field of the provider), not in the settings"

// secretHeaders are header names that carry credentials.
var secretHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "x-api-key": true, "api-key": true,
	"apikey": true, "x-auth-token": true, "x-goog-api-key": true, "cookie": true, "set-cookie": true,
	"x-access-token": true, "x-amz-security-token": true, "ocp-apim-subscription-key": true,
}

// secretWords in a header or field name mark it as a credential.
var secretWords = []string{"api-key", "api_key", "apikey", "token", "secret", "password", "passwd",
	"auth", "cookie", "credential", "session"}

// transportHeaders are set by the HTTP client and would break requests.
var transportHeaders = map[string]bool{
	"host": true, "content-length": true, "transfer-encoding": true, "connection": true,
	"content-type": true, "accept-encoding": true, "te": true, "upgrade": true, "keep-alive": true,
}

// requestFields are set by every chat request and may not be overridden.
var requestFields = map[string]bool{"model": true, "messages": true, "stream": true, "n": true}

// IsSecretName reports whether a header, body-field or query-parameter name
// looks like it carries a credential.
func IsSecretName(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if secretHeaders[n] || n == "key" || n == "access_token" {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return strings.HasSuffix(n, "-key") || strings.HasSuffix(n, "_key")
}

// secretPrefixes start values that are credentials whatever the header is
// called: auth schemes and the key formats of common providers.
var secretPrefixes = []string{"bearer ", "basic ", "token ", "sk-", "sk_", "pk-", "rk-", "gsk_", "xai-", "key-", "ghp_", "aiza"}

// looksLikeSecret reports whether a header value looks like a credential.
func looksLikeSecret(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	for _, p := range secretPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// Validate checks the settings and returns every problem, errors and
// warnings, in document order.
func (s Settings) Validate() []FieldError {
	var out []FieldError
	add := func(path, format string, args ...any) {
		out = append(out, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	warn := func(path, format string, args ...any) {
		out = append(out, FieldError{Path: path, Message: fmt.Sprintf(format, args...), Warning: true})
	}
	if s.Version < 0 {
		add("version", "the version must not be negative")
	}
	ids := make(map[string]int)
	for i, p := range s.Providers {
		base := fmt.Sprintf("providers[%d]", i)
		if first, dup := ids[p.ID]; dup && p.ID != "" {
			add(base+".id", "the id %q is already used by provider %d; each provider needs its own id", p.ID, first+1)
		} else {
			ids[p.ID] = i
		}
		out = append(out, p.validate(base)...)
	}
	d := s.Defaults
	if d.ProviderID == "" {
		if len(s.Providers) > 0 {
			add("defaults.provider_id", "choose the provider new conversations use")
		}
	} else if _, ok := ids[d.ProviderID]; !ok {
		add("defaults.provider_id", "there is no provider with the id %q", d.ProviderID)
	}
	for _, p := range d.Params.Validate() {
		out = append(out, FieldError{Path: "defaults." + p.Field, Message: p.Message, Warning: p.Warning})
	}
	if d.HistoryLimit < 0 {
		add("defaults.history_limit", "the number of past messages to send must be 0 (all) or more")
	}
	if d.MaxLoops != nil {
		if p, ok := s.Provider(d.ProviderID); ok && !p.SupportsMaxLoops {
			warn("defaults.max_loops", "%s does not take max_loops; it will not be sent", displayName(p))
		}
	}
	for _, k := range sortedExtraNames(d.Extra) {
		if IsSecretName(k) {
			add("defaults."+k, "%s", keychainAdvice)
		}
	}
	switch s.Appearance.Theme {
	case ThemeSystem, ThemeLight, ThemeDark:
	default:
		add("appearance.theme", "the theme must be system, light or dark, not %q", s.Appearance.Theme)
	}
	if fs := s.Appearance.FontSize; fs < MinFontSize || fs > MaxFontSize {
		add("appearance.font_size", "the font size must be between %d and %d, not %d", MinFontSize, MaxFontSize, fs)
	}
	for _, k := range sortedExtraNames(s.Extra) {
		if IsSecretName(k) {
			add(k, "%s", keychainAdvice)
		}
	}
	return out
}

func displayName(p Provider) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// Problems checks one provider on its own (not its id's uniqueness);
// paths start with "provider".
func (p Provider) Problems() []FieldError { return p.validate("provider") }

// validate checks one provider.
func (p Provider) validate(base string) []FieldError {
	var out []FieldError
	add := func(path, format string, args ...any) {
		out = append(out, FieldError{Path: base + path, Message: fmt.Sprintf(format, args...)})
	}
	if msg := providerIDProblem(p.ID); msg != "" {
		add(".id", "%s", msg)
	}
	if strings.TrimSpace(p.Name) == "" {
		add(".name", "give the provider a name")
	}
	if _, ok := LookupPreset(p.Preset); !ok {
		add(".preset", "unknown preset %q; use swarms, openai, openrouter, ollama, lmstudio or custom", p.Preset)
	}
	switch p.Auth {
	case AuthXAPIKey, AuthBearer, AuthNone:
	default:
		add(".auth", "the auth style must be x-api-key, bearer or none, not %q", p.Auth)
	}
	if msg, warning := baseURLProblem(p.BaseURL); msg != "" {
		out = append(out, FieldError{Path: base + ".base_url", Message: msg, Warning: warning})
	}
	names := make([]string, 0, len(p.Headers))
	for k := range p.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	seen := make(map[string]string, len(names))
	for _, k := range names {
		path := ".headers." + k
		lk := strings.ToLower(strings.TrimSpace(k))
		if other, dup := seen[lk]; dup {
			add(path, "the header %s is also given as %s; keep one", k, other)
			continue
		}
		seen[lk] = k
		switch {
		case !validHeaderName(k):
			add(path, "%q is not a valid header name (letters, digits and -_.!#$%%&'*+^`|~ only)", k)
		case IsSecretName(k):
			add(path, "%s header: %s", k, keychainAdvice)
		case transportHeaders[lk]:
			add(path, "the %s header is set by Murmur itself and cannot be changed", k)
		case strings.ContainsAny(p.Headers[k], "\r\n\x00"):
			add(path, "a header value cannot contain line breaks")
		case looksLikeSecret(p.Headers[k]):
			add(path, "the value of %s looks like a key or token: %s", k, keychainAdvice)
		}
	}
	bodyNames := sortedExtraNames(p.ExtraBody)
	for _, k := range bodyNames {
		path := ".extra_body." + k
		switch {
		case IsSecretName(k):
			add(path, "%s", keychainAdvice)
		case requestFields[k]:
			add(path, "%q is set by every conversation and cannot be an extra body field", k)
		case !json.Valid(p.ExtraBody[k]):
			add(path, "the value is not valid JSON")
		}
	}
	for i, m := range p.Models {
		if strings.TrimSpace(m) == "" {
			add(fmt.Sprintf(".models[%d]", i), "a model name is empty")
		}
	}
	for _, k := range sortedExtraNames(p.Extra) {
		if IsSecretName(k) {
			add("."+k, "%s", keychainAdvice)
		}
	}
	return out
}

// providerIDProblem mirrors backend/secrets' rule for provider ids (the key
// is stored under the id).
func providerIDProblem(id string) string {
	if id == "" {
		return "the provider needs an id"
	}
	if len(id) > 64 {
		return "the id is longer than 64 characters"
	}
	for i, r := range id {
		if !((r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || (i > 0 && (r == '-' || r == '_' || r == '.'))) {
			return fmt.Sprintf("the id %q may hold only lower-case letters, digits, '-', '_' and '.', starting with a letter or digit", id)
		}
	}
	return ""
}

// ValidProviderID reports whether id can name a provider.
func ValidProviderID(id string) bool { return providerIDProblem(id) == "" }

// baseURLProblem checks a base URL; warning is true for a problem that does
// not stop a save (plain http to a host that is not this machine).
func baseURLProblem(raw string) (msg string, warning bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "enter the base URL of the API, e.g. https://api.example.com/v1", false
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		return fmt.Sprintf("%q is not an absolute URL; it must start with https:// or http://", clipText(raw, 80)), false
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("the base URL must start with https:// or http://, not %s://", u.Scheme), false
	}
	if u.Hostname() == "" {
		return "the base URL has no host name", false
	}
	if u.User != nil {
		return "the base URL contains a user name or password; " + keychainAdvice, false
	}
	if u.RawQuery != "" || u.ForceQuery {
		for k := range u.Query() {
			if IsSecretName(k) {
				return "the base URL carries a key in its query; " + keychainAdvice, false
			}
		}
		return "the base URL cannot have a query (the part after ?)", false
	}
	if u.Fragment != "" {
		return "the base URL cannot have a fragment (the part after #)", false
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Sprintf("%s uses plain http: the API key and your messages travel unencrypted; use https unless this is a trusted local network", u.Hostname()), true
	}
	return "", false
}

func isLoopback(host string) bool {
	h := strings.ToLower(host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Unmap().IsLoopback()
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func sortedExtraNames(m map[string]json.RawMessage) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
