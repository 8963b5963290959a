package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// memKeychain is an in-memory keychain.
type memKeychain struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeychain) Get(service, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"/"+account]
	if !ok {
		return "", secrets.ErrNotFound
	}
	return v, nil
}

func (k *memKeychain) Set(service, account, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[service+"/"+account] = secret
	return nil
}

func (k *memKeychain) Delete(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"/"+account]; !ok {
		return secrets.ErrNotFound
	}
	delete(k.m, service+"/"+account)
	return nil
}

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

func (s *fakeShell) OpenFile(ctx context.Context) (ImportFile, bool, error) {
	if s.cancel {
		return ImportFile{}, false, nil
	}
	return ImportFile{Name: s.importN, Size: int64(len(s.importB)), Reader: bytes.NewReader(s.importB), Close: func() error { return nil }}, true, nil
}

func (s *fakeShell) Confirm(ctx context.Context, title, message string) (bool, error) {
	s.asked = message
	return s.confirm, nil
}

func (s *fakeShell) OpenURL(ctx context.Context, url string) error {
	s.opened = append(s.opened, url)
	return nil
}

type appEnv struct {
	app    *App
	shell  *fakeShell
	keys   *secrets.Keys
	chain  *memKeychain
	events chan chat.StreamEvent
	api    *httptest.Server
}

func newAppEnv(t *testing.T) *appEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: 5000, Key: "sk-fake-key-0123456789"}))
	t.Cleanup(api.Close)
	chain := &memKeychain{m: map[string]string{}}
	keys := secrets.New(secrets.WithBackend(chain), secrets.WithLookupEnv(func(string) (string, bool) { return "", false }))
	e := &appEnv{shell: &fakeShell{}, keys: keys, chain: chain, events: make(chan chat.StreamEvent, 4096), api: api}
	sf := settingsFile{path: filepath.Join(dir, "config", "settings.json")}
	e.app, err = NewApp(ctx, Deps{
		Version: "test", Store: st, Settings: sf, Keys: keys,
		Client: llm.New(llm.WithHTTPClient(api.Client())),
		Emitter: chat.EmitterFunc(func(name string, p any) {
			if ev, ok := p.(chat.StreamEvent); ok {
				e.events <- ev
			}
		}),
		Shell: e.shell,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.app.shutdown)
	s := e.app.Settings()
	fake := settings.NewProvider(settings.PresetCustom)
	fake.ID, fake.Name, fake.BaseURL, fake.DefaultModel = "fake", "Fake", api.URL+"/v1", "fake-model"
	s.Providers = append(s.Providers, fake)
	s.Defaults.ProviderID = "fake"
	if _, err := e.app.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *appEnv) waitDone(t *testing.T, s chat.Started) chat.StreamEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-e.events:
			if ev.StreamID == s.StreamID && ev.Terminal() {
				return ev
			}
		case <-timeout:
			t.Fatal("no terminal event")
		}
	}
}

func uiErr(t *testing.T, err error) *UIError {
	t.Helper()
	var ue *UIError
	if !errors.As(err, &ue) {
		t.Fatalf("error %v (%T) is not a *UIError", err, err)
	}
	// What the UI receives is the JSON text; it must parse back.
	var back UIError
	if jerr := json.Unmarshal([]byte(err.Error()), &back); jerr != nil || back.Message != ue.Message {
		t.Fatalf("error text %q does not parse as a UIError: %v", err.Error(), jerr)
	}
	return ue
}

func TestSendWithoutKeyAsksForOneThenWorks(t *testing.T) {
	e := newAppEnv(t)
	_, err := e.app.Send("", "hello")
	if ue := uiErr(t, err); ue.Kind != "auth" || !strings.Contains(ue.Message, "API key") {
		t.Fatalf("send without a key: %+v", ue)
	}
	// The prompt is kept even though nothing was sent.
	page, _ := e.app.ListConversations("", 0, 10)
	if len(page.Items) != 1 {
		t.Fatalf("%d conversations after a failed send, want the prompt kept in 1", len(page.Items))
	}

	st, err := e.app.SetKey("fake", "sk-fake-key-0123456789")
	if err != nil || !st.Set || st.Hint != "6789" || st.Source != secrets.SourceKeychain {
		t.Fatalf("SetKey: %+v, %v", st, err)
	}
	b, _ := json.Marshal(st)
	if strings.Contains(string(b), "sk-fake") {
		t.Fatal("the key status carries the key")
	}
	started, err := e.app.Send(page.Items[0].ID, "/echo hi there")
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
	_, cases["send bad id"] = e.app.Send("x/../y", "hi")
	_, cases["send invalid utf8"] = e.app.Send("", "a\xffb")
	_, cases["list filter"] = e.app.ListConversations("everything", 0, 10)
	_, cases["list page"] = e.app.ListConversations("", -1, 10)
	cases["stop bad id"] = e.app.Stop("nope")
	_, cases["export format"] = e.app.ExportConversation(conversation.NewID(), "exe", false)
	_, cases["key unknown provider"] = e.app.SetKey("ghost", "sk-1234567890abcdef")
	for name, err := range cases {
		if ue := uiErr(t, err); ue.Kind != "invalid" {
			t.Errorf("%s: kind %q (%s), want invalid", name, ue.Kind, ue.Message)
		}
	}
	_, err := e.app.GetConversation(conversation.NewID())
	if ue := uiErr(t, err); ue.Kind != "not_found" {
		t.Errorf("missing conversation: kind %q", ue.Kind)
	}
}

func TestSaveSettingsValidatesAndForgetsMovedKeys(t *testing.T) {
	e := newAppEnv(t)
	if _, err := e.app.SetKey("fake", "sk-fake-key-0123456789"); err != nil {
		t.Fatal(err)
	}
	s := e.app.Settings()
	bad := s.Clone()
	bad.Defaults.Temperature = llm.Ptr(7.0)
	_, err := e.app.SaveSettings(bad)
	ue := uiErr(t, err)
	if ue.Kind != "invalid" || len(ue.Fields) == 0 || ue.Fields[0].Path != "defaults.temperature" {
		t.Fatalf("invalid temperature: %+v", ue)
	}
	if st, _ := e.app.KeyStatus("fake"); !st.Set {
		t.Fatal("a refused save forgot a key")
	}

	// Same origin, other path: the key stays.
	same := s.Clone()
	for i := range same.Providers {
		if same.Providers[i].ID == "fake" {
			same.Providers[i].BaseURL = e.api.URL + "/other/v1"
		}
	}
	if _, err := e.app.SaveSettings(same); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.app.KeyStatus("fake"); !st.Set {
		t.Fatal("a path change on the same origin forgot the key")
	}
	moved := same.Clone()
	for i := range moved.Providers {
		if moved.Providers[i].ID == "fake" {
			moved.Providers[i].BaseURL = "https://elsewhere.example/v1"
		}
	}
	if _, err := e.app.SaveSettings(moved); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.app.KeyStatus("fake"); st.Set {
		t.Fatal("the key followed the provider to another origin")
	}
	if got := e.app.GetSettings(); got.Settings.Providers[len(got.Settings.Providers)-1].BaseURL != "https://elsewhere.example/v1" {
		t.Fatal("the settings were not saved")
	}
}

func TestPerConversationOptionsOverrideDefaults(t *testing.T) {
	e := newAppEnv(t)
	e.app.SetKey("fake", "sk-fake-key-0123456789")
	v, err := e.app.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	sys := "Answer in French."
	_, err = e.app.SetConversationOptions(v.ID, ConversationOptions{Model: "other-model", SystemPrompt: &sys,
		Params: conversation.Params{Temperature: llm.Ptr(0.3)}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := e.app.store.Get(context.Background(), v.ID)
	tg, err := e.app.resolve(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Model != "other-model" || tg.SystemPrompt != sys || tg.Params.Temperature == nil || *tg.Params.Temperature != 0.3 || tg.Provider.ID != "fake" {
		t.Fatalf("target %+v", tg)
	}
	_, err = e.app.SetConversationOptions(v.ID, ConversationOptions{Params: conversation.Params{TopP: llm.Ptr(3.0)}})
	if ue := uiErr(t, err); ue.Kind != "invalid" || !strings.Contains(ue.Fields[0].Path, "top_p") {
		t.Fatalf("invalid top_p: %+v", ue)
	}
	_, err = e.app.SetConversationOptions(v.ID, ConversationOptions{ProviderID: "ghost"})
	if ue := uiErr(t, err); ue.Kind != "invalid" {
		t.Fatalf("unknown provider: %+v", ue)
	}
}

func TestCheckLink(t *testing.T) {
	for _, tc := range []struct{ in, shown, err string }{
		{"https://example.com/a?b=c#d", "https://example.com/a?b=c#d", ""},
		{"HTTP://Example.com", "http://example.com", ""},
		{"mailto:someone@example.com", "mailto:someone@example.com", ""},
		{"https://bücher.example/", "https://xn--bcher-kva.example/", ""},
		{"https://аpple.com/", "https://xn--pple-43d.com/", ""},
		{"javascript:alert(1)", "", "only https, http and mailto"},
		{"smb://host/share", "", "only https, http and mailto"},
		{"ms-msdt:/id", "", "only https, http and mailto"},
		{"file:///etc/passwd", "", "only https, http and mailto"},
		{"calculator://", "", "only https, http and mailto"},
		{"https://user:pw@example.com", "", "user name or password"},
		{"https:///nohost", "", "no host"},
		{"https://[::1]:8080/x", "https://[::1]:8080/x", ""},
		{"https://127.0.0.1/x", "https://127.0.0.1/x", ""},
		{"mailto:a@example.com?subject=hi&body=there", "mailto:a@example.com?subject=hi&body=there", ""},
		{"mailto:a@example.com?attach=/etc/passwd", "", "only to, cc, bcc, subject and body"},
		{"https://example.com/\u202Egnp.exe", "", "invisible characters"},
		{"https://exa\u200Bmple.com/", "", "invisible characters"},
	} {
		tc.in = strings.NewReplacer(`\u202E`, "\u202E", `\u200B`, "\u200B").Replace(tc.in)
		shown, err := CheckLink(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("CheckLink(%q) = %q, %v; want an error about %q", tc.in, shown, err, tc.err)
			}
			continue
		}
		if err != nil || shown != tc.shown {
			t.Errorf("CheckLink(%q) = %q, %v; want %q", tc.in, shown, err, tc.shown)
		}
	}
}

func TestOpenLinkAsksFirst(t *testing.T) {
	e := newAppEnv(t)
	ok, err := e.app.OpenLink("https://bücher.example/x")
	if err != nil || ok || len(e.shell.opened) != 0 {
		t.Fatalf("declined link opened: %v %v %v", ok, err, e.shell.opened)
	}
	if !strings.Contains(e.shell.asked, "https://xn--bcher-kva.example/x") {
		t.Fatalf("the confirmation did not show the punycode URL: %q", e.shell.asked)
	}
	e.shell.confirm = true
	if ok, err := e.app.OpenLink("https://example.com/"); err != nil || !ok || len(e.shell.opened) != 1 {
		t.Fatalf("confirmed link: %v %v %v", ok, err, e.shell.opened)
	}
	if _, err := e.app.OpenLink("smb://evil/share"); err == nil || len(e.shell.opened) != 1 {
		t.Fatal("an smb link was opened")
	}
}

func TestExportAndImportThroughTheShell(t *testing.T) {
	e := newAppEnv(t)
	e.app.SetKey("fake", "sk-fake-key-0123456789")
	s, err := e.app.Send("", "/echo exported words")
	if err != nil {
		t.Fatal(err)
	}
	e.waitDone(t, s)
	e.app.engine.Wait()

	res, err := e.app.ExportConversation(s.ConversationID, "json", false)
	if err != nil || !res.Saved {
		t.Fatalf("export: %+v %v", res, err)
	}
	exported := append([]byte(nil), e.shell.saved.Bytes()...)
	if !bytes.Contains(exported, []byte("exported words")) || bytes.Contains(exported, []byte("sk-fake")) ||
		bytes.Contains(exported, []byte(e.api.URL)) {
		t.Fatalf("export content wrong or leaks settings: %s", exported)
	}
	if !strings.HasSuffix(e.shell.suggested, ".json") || strings.ContainsAny(e.shell.suggested, "/\\") {
		t.Errorf("suggested file name %q", e.shell.suggested)
	}

	e.shell.importB, e.shell.importN = exported, "export.json"
	imp, err := e.app.Import()
	if err != nil || !imp.Chosen || len(imp.Result.Imported) != 1 {
		t.Fatalf("import: %+v %v", imp, err)
	}
	if imp.Result.Imported[0].ID == s.ConversationID {
		t.Fatal("the import reused the existing id")
	}
	page, _ := e.app.ListConversations("", 0, 10)
	if page.Total != 2 {
		t.Fatalf("%d conversations after import, want 2", page.Total)
	}

	e.shell.cancel = true
	if res, err := e.app.ExportConversation(s.ConversationID, "md", false); err != nil || res.Saved {
		t.Fatalf("cancelled export: %+v %v", res, err)
	}
	if imp, err := e.app.Import(); err != nil || imp.Chosen {
		t.Fatalf("cancelled import: %+v %v", imp, err)
	}
}

func TestSendWithoutKeyReturnsWhereThePromptIs(t *testing.T) {
	e := newAppEnv(t)
	_, err := e.app.Send("", "saved anyway")
	ue := uiErr(t, err)
	if ue.Kind != "auth" || ue.ConversationID == "" || ue.MessageID == "" {
		t.Fatalf("error %+v should name the saved prompt", ue)
	}
	v, err := e.app.GetConversation(ue.ConversationID)
	if err != nil || len(v.Messages) != 1 || v.Messages[0].ID != ue.MessageID || v.Messages[0].Content != "saved anyway" {
		t.Fatalf("conversation %+v, %v", v, err)
	}
}

func TestEnvironmentKeyStaysWithItsOrigin(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{Key: "sk-env-key-0123456789"}))
	t.Cleanup(api.Close)
	sf := settingsFile{path: filepath.Join(dir, "settings.json")}
	s := settings.Default()
	fake := settings.NewProvider(settings.PresetCustom)
	fake.ID, fake.Name, fake.BaseURL, fake.DefaultModel = "fake", "Fake", api.URL+"/v1", "fake-model"
	s.Providers = append(s.Providers, fake)
	s.Defaults.ProviderID = "fake"
	if err := sf.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	env := func(name string) (string, bool) {
		if name == secrets.EnvVar("fake") {
			return "sk-env-key-0123456789", true
		}
		return "", false
	}
	keys := secrets.New(secrets.WithBackend(&memKeychain{m: map[string]string{}}), secrets.WithLookupEnv(env))
	app, err := NewApp(ctx, Deps{Store: st, Settings: sf, Keys: keys, Client: llm.New(llm.WithHTTPClient(api.Client())),
		Emitter: chat.EmitterFunc(func(string, any) {}), Shell: &fakeShell{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.shutdown)
	if _, err := app.ListModels("fake"); err != nil {
		t.Fatalf("the environment key is not used at its own origin: %v", err)
	}
	moved := app.Settings()
	for i := range moved.Providers {
		if moved.Providers[i].ID == "fake" {
			moved.Providers[i].BaseURL = "http://127.0.0.1:1/v1"
		}
	}
	if _, err := app.SaveSettings(moved); err != nil {
		t.Fatal(err)
	}
	_, err = app.ListModels("fake")
	if ue := uiErr(t, err); ue.Kind != "auth" || !strings.Contains(ue.Message, secrets.EnvVar("fake")) {
		t.Fatalf("after moving the provider: %+v, want the environment key refused", ue)
	}
}

func TestOptionsRefusedWhileAReplyIsWritten(t *testing.T) {
	e := newAppEnv(t)
	e.app.SetKey("fake", "sk-fake-key-0123456789")
	s, err := e.app.Send("", "/long")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.app.SetConversationOptions(s.ConversationID, ConversationOptions{Model: "x"})
	if ue := uiErr(t, err); ue.Kind != "busy" {
		t.Fatalf("options during a reply: %+v, want busy", ue)
	}
	e.app.Stop(s.StreamID)
	e.waitDone(t, s)
}

type failingWriter struct{ aborted, closed bool }

func (w *failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (w *failingWriter) Close() error              { w.closed = true; return nil }
func (w *failingWriter) Abort()                    { w.aborted = true }

type failingShell struct {
	fakeShell
	w *failingWriter
}

func (s *failingShell) SaveFile(context.Context, string, string) (io.WriteCloser, string, bool, error) {
	return s.w, "somewhere", true, nil
}

func TestFailedExportIsAbortedNotCommitted(t *testing.T) {
	e := newAppEnv(t)
	v, _ := e.app.NewConversation()
	fw := &failingWriter{}
	e.app.shell = &failingShell{w: fw}
	_, err := e.app.ExportConversation(v.ID, "md", false)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("export to a full disk: %v", err)
	}
	if !fw.aborted || fw.closed {
		t.Fatalf("aborted=%v closed=%v: a failed export must be aborted, not committed", fw.aborted, fw.closed)
	}
}
