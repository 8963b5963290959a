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
