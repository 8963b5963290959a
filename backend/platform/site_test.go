package platform

import (
	"context"
	"strings"
	"testing"

	"murmur/backend/settings"
)

func TestSiteSettingsHoldTheOneEndpoint(t *testing.T) {
	s, err := SiteSettings("https://example.org/murmur/v1", "gpt-4o-mini", "Answer briefly.")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Providers) != 1 {
		t.Fatalf("providers %+v", s.Providers)
	}
	p := s.Providers[0]
	if p.ID != SiteProviderID || p.BaseURL != "https://example.org/murmur/v1" || p.Auth != settings.AuthNone || p.DefaultModel != "gpt-4o-mini" {
		t.Fatalf("provider %+v", p)
	}
	if s.Defaults.ProviderID != SiteProviderID || s.Defaults.SystemPrompt != "Answer briefly." {
		t.Fatalf("defaults %+v", s.Defaults)
	}

	live, err := settings.OpenLive(context.Background(), &fixedSettings{s: s})
	if err != nil || live.Get().Providers[0].BaseURL != p.BaseURL {
		t.Fatalf("live settings: %v", err)
	}
}

func TestSiteSettingsRefuseAnEndpointThatIsNotHTTP(t *testing.T) {
	for _, e := range []string{"", "javascript:alert(1)", "file:///etc/passwd", "/relative/v1", "https://"} {
		if _, err := SiteSettings(e, "m", ""); err == nil || !strings.Contains(err.Error(), "endpoint") {
			t.Errorf("SiteSettings(%q) = %v", e, err)
		}
	}
}

func TestAServedWebAppStartsWithItsServer(t *testing.T) {
	s := settings.Default()
	if err := AddServer(&s, "https://chat.example.org/v1", []string{"gpt-4o-mini", "claude"}); err != nil {
		t.Fatal(err)
	}
	p, ok := s.Provider(ServerProviderID)
	if !ok || s.Defaults.ProviderID != ServerProviderID || p.Auth != settings.AuthNone || p.DefaultModel != "gpt-4o-mini" {
		t.Fatalf("settings %+v", s)
	}
	if !strings.Contains(p.Name, "chat.example.org") || len(s.Providers) != 2 {
		t.Fatalf("providers %+v", s.Providers)
	}
	if errs := settings.Errors(s.Validate()); len(errs) > 0 {
		t.Fatalf("invalid: %v", errs)
	}
	if err := AddServer(&s, "https://chat.example.org/v1", nil); err != nil || len(s.Providers) != 2 {
		t.Fatalf("a second AddServer changed the settings: %v", err)
	}
	if err := AddServer(&s, "javascript:x", nil); err == nil {
		t.Fatal("a non-http API was added")
	}
}
