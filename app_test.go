//go:build !js

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/llm/llmtest"
	"murmur/backend/platform"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/shell"
	"murmur/backend/store"
	"murmur/backend/view"
)

// fakeShell records what App asked of the shell.
type fakeShell struct {
	mu        sync.Mutex
	saved     bytes.Buffer
	suggested string
	cancel    bool
	importB   []byte
	importN   string
	confirm   bool
	asked     string
	opened    []string
	attach    map[string][]byte // files OpenAttachments returns, by name
}

type bufCloser struct{ *bytes.Buffer }

func (bufCloser) Close() error { return nil }

func (s *fakeShell) SaveFile(ctx context.Context, suggested, mimeType string) (io.WriteCloser, string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.suggested = suggested
	if s.cancel {
		return nil, "", false, nil
	}
	s.saved.Reset()
	return bufCloser{&s.saved}, "memory", true, nil
}

func (s *fakeShell) OpenFile(ctx context.Context) (shell.File, bool, error) {
	if s.cancel {
		return shell.File{}, false, nil
	}
	return shell.File{Name: s.importN, Size: int64(len(s.importB)), Reader: bytes.NewReader(s.importB), Close: func() error { return nil }}, true, nil
}

func (s *fakeShell) OpenAttachments(ctx context.Context) ([]shell.File, error) {
	var out []shell.File
	for name, b := range s.attach {
		out = append(out, shell.File{Name: name, Size: int64(len(b)), Reader: bytes.NewReader(b), Close: func() error { return nil }})
	}
	return out, nil
}

func (s *fakeShell) Confirm(ctx context.Context, title, message string) (bool, error) {
	s.asked = message
	return s.confirm, nil
}

func (s *fakeShell) OpenURL(ctx context.Context, url string) error {
	s.opened = append(s.opened, url)
	return nil
}

// recorder is the shell's event sink.
type recorder struct {
	stream  chan chat.StreamEvent
	mu      sync.Mutex
	changed []string
}

func (r *recorder) Stream(ev chat.StreamEvent) { r.stream <- ev }

func (r *recorder) ConversationsChanged(ids []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changed = append(r.changed, ids...)
}

func (r *recorder) takeChanged() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.changed
	r.changed = nil
	return out
}

type appEnv struct {
	app    *App
	shell  *fakeShell
	events *recorder
	api    *httptest.Server
}

// envConfig tunes newAppEnv.
type envConfig struct {
	rate   float64
	client []llm.Option
	keys   secrets.Backend
}

type envOption func(*envConfig)

// withKeychain keeps keys in b instead of a memory keychain.
func withKeychain(b secrets.Backend) envOption { return func(c *envConfig) { c.keys = b } }

// withRate streams replies at n tokens a second.
func withRate(n float64) envOption { return func(c *envConfig) { c.rate = n } }

// withClient adds options of the HTTP client (e.g. no real retry waits).
func withClient(o ...llm.Option) envOption {
	return func(c *envConfig) { c.client = append(c.client, o...) }
}

func newAppEnv(t *testing.T, opts ...envOption) *appEnv {
	t.Helper()
	cfg := envConfig{rate: 5000}
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	dir := t.TempDir()
	events := &recorder{stream: make(chan chat.StreamEvent, 4096)}
	st, err := store.Open(ctx, filepath.Join(dir, "data"), store.WithOnChange(func(id string) {
		events.ConversationsChanged([]string{id})
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: cfg.rate, Key: "sk-fake-key-0123456789"}))
	t.Cleanup(api.Close)
	live, err := settings.OpenLive(ctx, settings.File{Path: filepath.Join(dir, "config", "settings.json")})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.keys == nil {
		cfg.keys = secrets.NewMemoryBackend()
	}
	keys := secrets.New(secrets.WithBackend(cfg.keys), secrets.WithLookupEnv(func(string) (string, bool) { return "", false }))
	e := &appEnv{shell: &fakeShell{}, events: events, api: api}
	e.app = NewApp(ctx, Deps{
		Services: platform.Services{Store: st, Settings: live, Keys: keys,
			Client: llm.New(append([]llm.Option{llm.WithHTTPClient(api.Client())}, cfg.client...)...)},
		Version: "test", ShellName: "test", Shell: e.shell, Events: events,
	})
	t.Cleanup(e.app.shutdown)
	s := e.app.GetSettings().Settings
	s.Providers = append(s.Providers, view.Provider{ID: "fake", Name: "Fake", Preset: "custom", BaseURL: api.URL + "/v1",
		Auth: "bearer", DefaultModel: "fake-model"})
	s.Defaults.ProviderID = "fake"
	if _, err := e.app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *appEnv) waitDone(t *testing.T, s view.Started) chat.StreamEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-e.events.stream:
			if ev.StreamID == s.StreamID && ev.Terminal() {
				return ev
			}
		case <-timeout:
			t.Fatal("no terminal event")
		}
	}
}

func viewErr(t *testing.T, err error) *view.Error {
	t.Helper()
	var ve *view.Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *view.Error", err, err)
	}
	if err.Error() != ve.Message || strings.HasPrefix(err.Error(), "{") {
		t.Fatalf("Error() = %q, want the readable message %q", err.Error(), ve.Message)
	}
	return ve
}

func TestSendWithoutKeyAsksForOneThenWorks(t *testing.T) {
	e := newAppEnv(t)
	_, err := e.app.Send("", "hello", nil)
	if ve := viewErr(t, err); ve.Kind != view.KindAuth || !strings.Contains(ve.Message, "API key") || ve.ProviderID != "fake" {
		t.Fatalf("send without a key: %+v", ve)
	}
	// The prompt is kept even though nothing was sent.
	page, _ := e.app.ListConversations("", 0, 10)
	if len(page.Items) != 1 {
		t.Fatalf("%d conversations after a failed send, want the prompt kept in 1", len(page.Items))
	}

	st, err := e.app.SetKey("fake", "sk-fake-key-0123456789")
	if err != nil || !st.Set || st.Hint != "6789" || st.Source != string(secrets.SourceKeychain) {
		t.Fatalf("SetKey: %+v, %v", st, err)
	}
	started, err := e.app.Send(page.Items[0].ID, "/echo hi there", nil)
	if err != nil {
		t.Fatal(err)
	}
	if done := e.waitDone(t, started); done.Type != chat.EventDone {
		t.Fatalf("terminal %+v", done)
	}
	v, err := e.app.GetConversation(started.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	last := v.Messages[len(v.Messages)-1]
	if last.Role != "assistant" || !strings.Contains(last.Content, "hi there") || last.Status != "complete" {
		t.Fatalf("last message %+v", last)
	}
}

func TestFacadeRejectsPathsAndBadArguments(t *testing.T) {
	e := newAppEnv(t)
	cases := map[string]error{}
	_, cases["get path"] = e.app.GetConversation("../../../etc/passwd")
	cases["rename empty"] = e.app.RenameConversation(conversation.NewID(), "   ")
	cases["delete path"] = e.app.DeleteConversation("/tmp/x")
	_, cases["send bad id"] = e.app.Send("x/../y", "hi", nil)
	_, cases["send invalid utf8"] = e.app.Send("", "a\xffb", nil)
	_, cases["list filter"] = e.app.ListConversations("everything", 0, 10)
	_, cases["list page"] = e.app.ListConversations("", -1, 10)
	cases["stop bad id"] = e.app.Stop("nope")
	_, cases["export format"] = e.app.ExportConversation(conversation.NewID(), "exe", false)
	_, cases["key unknown provider"] = e.app.SetKey("ghost", "sk-1234567890abcdef")
	_, cases["options unknown provider"] = e.app.SetConversationOptions(conversation.NewID(), view.ConversationOptions{ProviderID: "ghost"})
	_, cases["link scheme"] = e.app.OpenLink("smb://evil/share")
	for name, err := range cases {
		if ve := viewErr(t, err); ve.Kind != view.KindInvalid || len(ve.Fields) == 0 {
			t.Errorf("%s: kind %q fields %v (%s), want invalid with a field", name, ve.Kind, ve.Fields, ve.Message)
		}
	}
	_, err := e.app.GetConversation(conversation.NewID())
	if ve := viewErr(t, err); ve.Kind != view.KindNotFound {
		t.Errorf("missing conversation: kind %q", ve.Kind)
	}
}

func TestSaveSettingsNamesTheFieldInTheView(t *testing.T) {
	e := newAppEnv(t)
	s := e.app.GetSettings().Settings
	s.Defaults.Params.TopP = llm.Ptr(3.0)
	s.Providers[1].BaseURL = "ftp://nowhere"
	_, err := e.app.SaveSettings(s)
	ve := viewErr(t, err)
	paths := map[string]bool{}
	for _, f := range ve.Fields {
		paths[f.Path] = true
	}
	if ve.Kind != view.KindInvalid || !paths["defaults.params.topP"] || !paths["providers[1].baseUrl"] {
		t.Fatalf("invalid settings: %+v", ve)
	}
	// A removed default provider is refused, not replaced behind the user's back.
	s = e.app.GetSettings().Settings
	s.Providers = s.Providers[:1]
	_, err = e.app.SaveSettings(s)
	if ve := viewErr(t, err); ve.Fields[0].Path != "defaults.providerId" {
		t.Fatalf("removed default provider: %+v", ve)
	}
	if got := e.app.GetSettings().Settings.Defaults.ProviderID; got != "fake" {
		t.Fatalf("default provider is now %q", got)
	}
	// A warning is returned with a saved change.
	s = e.app.GetSettings().Settings
	s.Providers[1].BaseURL = "http://192.0.2.1/v1"
	warnings, err := e.app.SaveSettings(s)
	if err != nil || len(warnings) != 1 || warnings[0].Path != "providers[1].baseUrl" {
		t.Fatalf("plain http: %v %v", warnings, err)
	}
}

func TestConversationOptionsAreKeptAndValidated(t *testing.T) {
	e := newAppEnv(t)
	v, err := e.app.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	sys := "Answer in French."
	got, err := e.app.SetConversationOptions(v.ID, view.ConversationOptions{Model: "other-model", SystemPrompt: &sys,
		Params: view.Params{Temperature: llm.Ptr(0.3)}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Model != "other-model" || *got.SystemPrompt != sys || *got.Params.Temperature != 0.3 {
		t.Fatalf("options %+v", got)
	}
	_, err = e.app.SetConversationOptions(v.ID, view.ConversationOptions{Params: view.Params{TopP: llm.Ptr(3.0)}})
	if ve := viewErr(t, err); ve.Kind != view.KindInvalid || ve.Fields[0].Path != "params.topP" {
		t.Fatalf("invalid top_p: %+v", ve)
	}
}

func TestEveryWriteTellsTheUI(t *testing.T) {
	e := newAppEnv(t)
	e.events.takeChanged()
	v, _ := e.app.NewConversation()
	steps := map[string]func() error{
		"rename":  func() error { return e.app.RenameConversation(v.ID, "named") },
		"pin":     func() error { return e.app.PinConversation(v.ID, true) },
		"archive": func() error { return e.app.ArchiveConversation(v.ID, true) },
		"options": func() error {
			_, err := e.app.SetConversationOptions(v.ID, view.ConversationOptions{Model: "m"})
			return err
		},
		"delete": func() error { return e.app.DeleteConversation(v.ID) },
	}
	if got := e.events.takeChanged(); len(got) != 1 || got[0] != v.ID {
		t.Fatalf("new conversation: changed %v", got)
	}
	for _, name := range []string{"rename", "pin", "archive", "options", "delete"} {
		if err := steps[name](); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := e.events.takeChanged(); len(got) != 1 || got[0] != v.ID {
			t.Fatalf("%s: changed %v, want [%s]", name, got, v.ID)
		}
	}
}

func TestSendWithoutKeyReturnsWhereThePromptIs(t *testing.T) {
	e := newAppEnv(t)
	_, err := e.app.Send("", "saved anyway", nil)
	ve := viewErr(t, err)
	if ve.Kind != view.KindAuth || ve.ConversationID == "" || ve.MessageID == "" {
		t.Fatalf("error %+v should name the saved prompt", ve)
	}
	v, err := e.app.GetConversation(ve.ConversationID)
	if err != nil || len(v.Messages) != 1 || v.Messages[0].ID != ve.MessageID || v.Messages[0].Content != "saved anyway" {
		t.Fatalf("conversation %+v, %v", v, err)
	}
}

func TestOptionsRefusedWhileAReplyIsWritten(t *testing.T) {
	e := newAppEnv(t)
	e.app.SetKey("fake", "sk-fake-key-0123456789")
	s, err := e.app.Send("", "/long", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.app.SetConversationOptions(s.ConversationID, view.ConversationOptions{Model: "x"})
	if ve := viewErr(t, err); ve.Kind != view.KindBusy {
		t.Fatalf("options during a reply: %+v, want busy", ve)
	}
	e.app.Stop(s.StreamID)
	e.waitDone(t, s)
}
