package secrets

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Endpoint is what ForgetMoved needs of a provider: its id and base URL.
type Endpoint struct {
	ProviderID string
	BaseURL    string
}

// Origin returns the origin of a base URL: scheme, host and port, lower-case,
// with the scheme's default port left out ("https://api.swarms.world").
func Origin(baseURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return "", fmt.Errorf("the base URL is not a valid URL: %w", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("the base URL must start with https:// or http://")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", errors.New("the base URL has no host")
	}
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

// Moved returns, sorted, the ids of providers in old that are absent from
// new or whose base-URL origin differs there. A base URL that does not parse
// counts as its own origin, so any change to it counts as a move.
func Moved(old, new []Endpoint) []string {
	now := make(map[string]string, len(new))
	for _, e := range new {
		now[e.ProviderID] = originKey(e.BaseURL)
	}
	seen := make(map[string]bool)
	var ids []string
	for _, e := range old {
		if seen[e.ProviderID] {
			continue
		}
		o, ok := now[e.ProviderID]
		if !ok || o != originKey(e.BaseURL) {
			seen[e.ProviderID] = true
			ids = append(ids, e.ProviderID)
		}
	}
	sort.Strings(ids)
	return ids
}

func originKey(baseURL string) string {
	if o, err := Origin(baseURL); err == nil {
		return o
	}
	return "invalid:" + baseURL
}

// ForgetMoved deletes the keys of the providers that Moved reports, so that a
// key is never sent to an origin it was not entered for. The settings-save
// path calls it with the provider lists before and after the change, before
// writing the new settings, and does not save if it fails: a key that could
// not be deleted would otherwise go to the new origin. It
// returns the ids whose keys were deleted (or had none); a failure for one
// provider does not stop the others, and the joined error names the
// providers whose keys may remain. Keys from the environment are not
// touched.
func (k *Keys) ForgetMoved(ctx context.Context, old, new []Endpoint) ([]string, error) {
	var forgotten []string
	var errs []error
	for _, id := range Moved(old, new) {
		if !ValidProviderID(id) {
			continue // no key can be stored under an invalid id
		}
		if err := k.Delete(ctx, id); err != nil {
			errs = append(errs, err)
			continue
		}
		forgotten = append(forgotten, id)
	}
	if len(errs) > 0 {
		return forgotten, fmt.Errorf("forget keys of moved providers: %w", errors.Join(errs...))
	}
	return forgotten, nil
}
