package providers

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/llm/llmtest"
	"murmur/backend/secrets"
	"murmur/backend/settings"
)

const testKey = "sk-fake-key-0123456789"

type env struct {
	ps    *Providers
	live  *settings.Live
	chain *secrets.MemoryBackend
	api   *httptest.Server
	path  string
}

// newEnv starts a fake API and providers whose default is a custom provider
// "fake" pointing at it. envKeys are the environment variables Keys sees.
func newEnv(t *testing.T, envKeys map[string]string) *env {
	t.Helper()
	ctx := context.Background()
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: 5000, Key: testKey}))
	t.Cleanup(api.Close)
	path := filepath.Join(t.TempDir(), "settings.json")
	s := settings.Default()
	fake := settings.NewProvider(settings.PresetCustom)
	fake.ID, fake.Name, fake.BaseURL, fake.DefaultModel = "fake", "Fake", api.URL+"/v1", "fake-model"
	s.Providers = append(s.Providers, fake)
	s.Defaults.ProviderID = "fake"
	if err := settings.Save(ctx, path, s); err != nil {
		t.Fatal(err)
	}
	live, err := settings.OpenLive(ctx, settings.File{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	chain := secrets.NewMemoryBackend()
	keys := secrets.New(secrets.WithBackend(chain), secrets.WithLookupEnv(func(name string) (string, bool) {
		v, ok := envKeys[name]
		return v, ok
	}))
	return &env{ps: New(live, keys, llm.New(llm.WithHTTPClient(api.Client())), nil), live: live, chain: chain, api: api, path: path}
}

func (e *env) edit(t *testing.T, fn func(s *settings.Settings)) {
	t.Helper()
	if _, err := e.ps.Save(context.Background(), func(s settings.Settings) settings.Settings { fn(&s); return s }); err != nil {
		t.Fatal(err)
	}
}

func kindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return ""
}

func TestTargetTakesTheConversationsChoicesOverTheDefaults(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	if _, err := e.ps.SetKey(ctx, "fake", testKey); err != nil {
		t.Fatal(err)
	}
	e.edit(t, func(s *settings.Settings) {
		s.Defaults.Temperature = llm.Ptr(0.9)
		s.Defaults.MaxTokens = llm.Ptr(100)
		s.Defaults.SystemPrompt = "Be brief."
	})
	c := conversation.New(time.Now())
	tg, err := e.ps.Target(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Provider.ID != "fake" || tg.Model != "fake-model" || tg.Key != testKey || *tg.Params.Temperature != 0.9 ||
		tg.SystemPrompt != "Be brief." {
		t.Fatalf("defaults target %+v", tg)
	}
	sys := "Answer in French."
	c.Model, c.SystemPrompt, c.Params.Temperature = "other-model", &sys, llm.Ptr(0.3)
	tg, err = e.ps.Target(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Model != "other-model" || tg.SystemPrompt != sys || *tg.Params.Temperature != 0.3 || *tg.Params.MaxTokens != 100 {
		t.Fatalf("conversation target %+v", tg)
	}

	c.ProviderID = "removed"
	if _, err := e.ps.Target(ctx, c); kindOf(err) != KindGone {
		t.Fatalf("removed provider: %v, want %s", err, KindGone)
	}
	c.ProviderID = "swarms" // no key, no model
	if _, err := e.ps.Target(ctx, c); kindOf(err) != KindNoKey {
		t.Fatalf("swarms without a key: %v, want %s", err, KindNoKey)
	}
	c.Model = ""
	if _, err := e.ps.Target(ctx, c); kindOf(err) != KindNoModel {
		t.Fatalf("swarms without a model: %v, want %s", err, KindNoModel)
	}
}

func TestSaveValidatesAndForgetsTheKeysOfProvidersThatMoved(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	if _, err := e.ps.SetKey(ctx, "fake", testKey); err != nil {
		t.Fatal(err)
	}
	var ve *settings.ValidationError
	_, err := e.ps.Save(ctx, func(s settings.Settings) settings.Settings { s.Defaults.Temperature = llm.Ptr(7.0); return s })
	if !errors.As(err, &ve) {
		t.Fatalf("invalid temperature: %v, want a ValidationError", err)
	}
	if e.chain.Len() != 1 {
		t.Fatal("a refused save forgot a key")
	}
	e.edit(t, func(s *settings.Settings) { s.Providers[1].BaseURL = e.api.URL + "/other/v1" })
	if e.chain.Len() != 1 {
		t.Fatal("a path change on the same origin forgot the key")
	}
	e.edit(t, func(s *settings.Settings) { s.Providers[1].BaseURL = "https://elsewhere.example/v1" })
	if e.chain.Len() != 0 {
		t.Fatal("the key followed the provider to another origin")
	}
	back, _, err := settings.Load(ctx, e.path)
	if err != nil || back.Providers[1].BaseURL != "https://elsewhere.example/v1" {
		t.Fatalf("the settings file was not saved: %v", err)
	}
}

func TestRemovingTheDefaultProviderIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.ps.Save(context.Background(), func(s settings.Settings) settings.Settings {
		s.Providers = s.Providers[:1] // "fake", the default, is gone
		return s
	})
	var ve *settings.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 || ve.Problems[0].Path != "defaults.provider_id" {
		t.Fatalf("removing the default provider: %v, want a field error on defaults.provider_id", err)
	}
	if e.ps.Settings().Defaults.ProviderID != "fake" {
		t.Fatal("the default provider changed although the save was refused")
	}
}

func TestModelsAreFetchedAndCached(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	if _, err := e.ps.Models(ctx, "fake"); kindOf(err) != KindNoKey {
		t.Fatalf("models without a key: %v", err)
	}
	e.ps.SetKey(ctx, "fake", testKey)
	ids, err := e.ps.Models(ctx, "fake")
	if err != nil || len(ids) == 0 {
		t.Fatalf("models: %v %v", ids, err)
	}
	p, _ := e.ps.Provider("fake")
	if strings.Join(p.Models, ",") != strings.Join(ids, ",") || p.ModelsFetchedAt.IsZero() {
		t.Fatalf("cached models %v at %v, fetched %v", p.Models, p.ModelsFetchedAt, ids)
	}
	if _, err := e.ps.Models(ctx, "ghost"); kindOf(err) != KindUnknown {
		t.Fatalf("models of an unknown provider: %v", err)
	}
}

func TestEnvironmentKeyStaysWithItsStartUpOrigin(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, map[string]string{secrets.EnvVar("fake"): testKey})
	if _, err := e.ps.Models(ctx, "fake"); err != nil {
		t.Fatalf("the environment key is not used at its own origin: %v", err)
	}
	e.edit(t, func(s *settings.Settings) { s.Providers[1].BaseURL = "http://127.0.0.1:1/v1" })
	_, err := e.ps.Models(ctx, "fake")
	if kindOf(err) != KindEnvKeyMoved || !strings.Contains(err.Error(), secrets.EnvVar("fake")) {
		t.Fatalf("after moving the provider: %v, want the environment key refused", err)
	}
	// Moving back to the start-up origin makes it usable again.
	e.edit(t, func(s *settings.Settings) { s.Providers[1].BaseURL = e.api.URL + "/v1" })
	if _, err := e.ps.Models(ctx, "fake"); err != nil {
		t.Fatalf("back at the start-up origin: %v", err)
	}
}

func TestCheckTestsAProviderBeforeItIsSaved(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	draft := settings.NewProvider(settings.PresetCustom)
	draft.ID, draft.Name, draft.BaseURL = "draft", "Draft", e.api.URL+"/v1"
	ids, err := e.ps.Check(ctx, draft, testKey)
	if err != nil || len(ids) == 0 {
		t.Fatalf("check with a key: %v %v", ids, err)
	}
	if _, ok := e.ps.Settings().Provider("draft"); ok || e.chain.Len() != 0 {
		t.Fatal("checking a provider saved it or its key")
	}
	if _, err := e.ps.Check(ctx, draft, "sk-wrong-key-0000000000"); err == nil {
		t.Fatal("a wrong key passed the check")
	}
	if _, err := e.ps.Check(ctx, draft, ""); kindOf(err) != KindNoKey {
		t.Fatalf("no key for an unsaved provider: %v", err)
	}
	// A saved provider with a stored key is checked with it, but only at
	// its own origin: the stored key never goes to another address.
	e.ps.SetKey(ctx, "fake", testKey)
	saved, _ := e.ps.Provider("fake")
	if _, err := e.ps.Check(ctx, saved, ""); err != nil {
		t.Fatalf("saved provider with its stored key: %v", err)
	}
	moved := saved
	moved.BaseURL = "https://attacker.example/v1"
	if _, err := e.ps.Check(ctx, moved, ""); kindOf(err) != KindNoKey {
		t.Fatalf("a saved provider checked at another origin: %v, want the stored key withheld", err)
	}
	bad := draft
	bad.BaseURL = "ftp://x"
	var ve *settings.ValidationError
	if _, err := e.ps.Check(ctx, bad, testKey); !errors.As(err, &ve) {
		t.Fatalf("an invalid provider: %v", err)
	}
}
