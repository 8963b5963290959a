package settings_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"murmur/backend/secrets"
	"murmur/backend/settings"
)

// memKeychain is a keychain fake for the tests in this file.
type memKeychain map[string]string

func (m memKeychain) Get(service, account string) (string, error) {
	v, ok := m[account]
	if !ok {
		return "", secrets.ErrNotFound
	}
	return v, nil
}
func (m memKeychain) Set(service, account, secret string) error { m[account] = secret; return nil }
func (m memKeychain) Delete(service, account string) error {
	if _, ok := m[account]; !ok {
		return secrets.ErrNotFound
	}
	delete(m, account)
	return nil
}

// TestSavingNeverWritesAKey follows what the app does: a key is entered for
// a provider, the settings are edited and saved, and every way a key could
// be slipped into the settings is tried. The key must appear in no file.
func TestSavingNeverWritesAKey(t *testing.T) {
	ctx := context.Background()
	const key = "sk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	dir := t.TempDir()
	path := filepath.Join(dir, "murmur", "settings.json")
	keys := secrets.New(secrets.WithBackend(memKeychain{}), secrets.WithLookupEnv(func(string) (string, bool) { return "", false }))

	s, _, err := settings.Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Set(ctx, "swarms", key); err != nil {
		t.Fatal(err)
	}
	s.Defaults.SystemPrompt = "Be brief."
	if err := settings.Save(ctx, path, s); err != nil {
		t.Fatal(err)
	}

	smuggle := []struct {
		name string
		edit func(*settings.Settings)
	}{
		{"Authorization header", func(s *settings.Settings) {
			s.Providers[0].Headers = map[string]string{"Authorization": "Bearer " + key}
		}},
		{"x-api-key header", func(s *settings.Settings) { s.Providers[0].Headers = map[string]string{"x-api-key": key} }},
		{"user info in the URL", func(s *settings.Settings) { s.Providers[0].BaseURL = "https://u:" + key + "@api.swarms.world/v1" }},
		{"query in the URL", func(s *settings.Settings) { s.Providers[0].BaseURL = "https://api.swarms.world/v1?key=" + key }},
		{"extra body", func(s *settings.Settings) {
			s.Providers[0].ExtraBody = map[string]json.RawMessage{"api_key": json.RawMessage(`"` + key + `"`)}
		}},
		{"unknown member", func(s *settings.Settings) {
			s.Extra = map[string]json.RawMessage{"swarms_api_key": json.RawMessage(`"` + key + `"`)}
		}},
	}
	for _, tt := range smuggle {
		c := s.Clone()
		tt.edit(&c)
		err := settings.Save(ctx, path, c)
		if err == nil || !strings.Contains(err.Error(), "keychain") {
			t.Errorf("%s: Save = %v, want a refusal that points to the keychain", tt.name, err)
		}
		if err != nil && strings.Contains(err.Error(), key) {
			t.Errorf("%s: the error shows the key", tt.name)
		}
	}

	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(key)) || bytes.Contains(b, []byte(key[3:])) {
			t.Errorf("%s holds the key", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := keys.Status(ctx, "swarms"); !st.Set || st.Source != secrets.SourceKeychain {
		t.Fatalf("the key is not in the keychain: %+v", st)
	}
}

// Settings and secrets must agree on which provider ids are valid: a key is
// stored under the id.
func TestProviderIDRulesAgree(t *testing.T) {
	ids := []string{"swarms", "openai", "my-llm", "a.b_c-1", "9lives", "", "-x", "_x", ".x", "A", "has space",
		"ü", "../etc", strings.Repeat("a", 64), strings.Repeat("a", 65)}
	for _, id := range ids {
		if settings.ValidProviderID(id) != secrets.ValidProviderID(id) {
			t.Errorf("%q: settings says %v, secrets says %v", id, settings.ValidProviderID(id), secrets.ValidProviderID(id))
		}
	}
}
