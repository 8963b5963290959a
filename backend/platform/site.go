package platform

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"murmur/backend/settings"
)

// SiteProviderID is the id of the one provider a widget talks to.
const SiteProviderID = "site"

// SiteSettings are the settings of a widget: one provider, the endpoint its
// page names (an OpenAI-compatible API that needs no key from the page,
// such as `murmur serve`), with its model and system prompt. The page's
// attributes are the whole configuration; nothing else can be chosen.
func SiteSettings(endpoint, model, systemPrompt string) (settings.Settings, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return settings.Settings{}, fmt.Errorf("the widget's endpoint %q is not an http(s) address", endpoint)
	}
	s := settings.Default()
	p := settings.NewProvider(settings.PresetCustom)
	p.ID, p.Name, p.BaseURL, p.Auth, p.DefaultModel = SiteProviderID, u.Host, endpoint, settings.AuthNone, model
	s.Providers = []settings.Provider{p}
	s.Defaults.ProviderID = SiteProviderID
	s.Defaults.SystemPrompt = systemPrompt
	if errs := settings.Errors(s.Validate()); len(errs) > 0 {
		return settings.Settings{}, fmt.Errorf("the widget's settings: %s", errs[0].Message)
	}
	return s, nil
}

// fixedSettings hands out the same settings at every start and keeps
// changes (the cached model list) in memory only.
type fixedSettings struct {
	mu sync.Mutex
	s  settings.Settings
}

func (f *fixedSettings) Load(context.Context) (settings.Settings, settings.LoadReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.s.Clone(), settings.LoadReport{MigratedFrom: -1}, nil
}

func (f *fixedSettings) Save(_ context.Context, s settings.Settings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.s = s.Clone()
	return nil
}

// ServerProviderID is the provider a web app served by `murmur serve` starts
// with: that server's proxy, which adds the key.
const ServerProviderID = "server"

// AddServer makes the `murmur serve` that served the page (its API at api,
// with models) the default provider of first-run settings s. The key stays
// on the server; the page never needs one.
func AddServer(s *settings.Settings, api string, models []string) error {
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("the server's API address %q is not an http(s) address", api)
	}
	if _, ok := s.Provider(ServerProviderID); ok {
		return nil
	}
	p := settings.NewProvider(settings.PresetCustom)
	p.ID, p.Name, p.BaseURL, p.Auth = ServerProviderID, "This server ("+u.Host+")", api, settings.AuthNone
	if len(models) > 0 {
		p.DefaultModel, p.Models = models[0], append([]string(nil), models...)
	}
	s.Providers = append([]settings.Provider{p}, s.Providers...)
	s.Defaults.ProviderID = ServerProviderID
	return nil
}
