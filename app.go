package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// AppInfo names the running app for the UI's about line.
type AppInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Shell is what the facade asks of the shell it runs in: files chosen by the
// user (a native dialog on desktop, a download on the web, a path argument in
// the CLI), confirmation, and the system browser. App never opens a path of
// its own.
type Shell interface {
	// SaveFile asks where to save an export named suggested; ok is false
	// when the user cancelled. where names the destination for the user.
	SaveFile(ctx context.Context, suggested, mimeType string) (w io.WriteCloser, where string, ok bool, err error)
	// OpenFile asks for a file to import; ok is false when the user cancelled.
	OpenFile(ctx context.Context) (f ImportFile, ok bool, err error)
	// Confirm asks a yes/no question.
	Confirm(ctx context.Context, title, message string) (bool, error)
	// OpenURL opens an already-checked URL in the system browser.
	OpenURL(ctx context.Context, url string) error
}

// ImportFile is a file the user chose to import.
type ImportFile struct {
	Name   string
	Size   int64
	Reader io.ReaderAt
	Close  func() error
}

// SettingsStore keeps the settings (a file on desktop).
type SettingsStore interface {
	Load(ctx context.Context) (settings.Settings, settings.LoadReport, error)
	Save(ctx context.Context, s settings.Settings) error
}

// settingsFile is the desktop SettingsStore.
type settingsFile struct{ path string }

func (f settingsFile) Load(ctx context.Context) (settings.Settings, settings.LoadReport, error) {
	return settings.Load(ctx, f.path)
}

func (f settingsFile) Save(ctx context.Context, s settings.Settings) error {
	return settings.Save(ctx, f.path, s)
}

// Deps are the services the shells build App from.
type Deps struct {
	Version  string
	Store    *store.Store
	Settings SettingsStore
	Keys     *secrets.Keys
	Client   *llm.Client
	Emitter  chat.Emitter
	Shell    Shell
	Log      *slog.Logger
	// ChatOptions tune the engine (tests inject a clock).
	ChatOptions []chat.Option
}

// App is the facade the UI binds: every method the frontend may call. Its
// methods take ids and plain values, never paths, validate every argument,
// and return errors as *UIError. It imports neither Wails nor syscall/js.
type App struct {
	version string
	store   *store.Store
	sets    SettingsStore
	keys    *secrets.Keys
	client  *llm.Client
	shell   Shell
	engine  *chat.Engine
	log     *slog.Logger

	mu       sync.Mutex
	ctx      context.Context // the shell's; cancelled at shutdown
	settings settings.Settings
	report   settings.LoadReport
	// startOrigins are the providers' origins when the settings were first
	// loaded: a key from the environment is only sent there.
	startOrigins map[string]string

	// saveMu serialises every read-modify-save of the settings file.
	saveMu sync.Mutex
}

// NewApp builds the facade and loads the settings. A settings file that
// cannot be read is reported (in GetSettings) and defaults are used.
func NewApp(ctx context.Context, d Deps) (*App, error) {
	a := &App{}
	if err := a.init(ctx, d); err != nil {
		return nil, err
	}
	return a, nil
}

// init fills a facade allocated earlier: the desktop shell binds App before
// the window exists and opens the store only once it is the single instance.
func (a *App) init(ctx context.Context, d Deps) error {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s, rep, err := d.Settings.Load(ctx)
	if err != nil {
		return fmt.Errorf("load settings: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.version, a.store, a.sets, a.keys, a.client = d.Version, d.Store, d.Settings, d.Keys, d.Client
	a.shell, a.log, a.ctx = d.Shell, d.Log, ctx
	a.settings, a.report = s, rep
	a.startOrigins = make(map[string]string, len(s.Providers))
	for _, p := range s.Providers {
		if o, err := secrets.Origin(p.BaseURL); err == nil {
			a.startOrigins[p.ID] = o
		}
	}
	opts := append([]chat.Option{chat.WithLogger(d.Log)}, d.ChatOptions...)
	a.engine = chat.New(d.Store, d.Client, a.resolve, d.Emitter, opts...)
	return nil
}

func (a *App) context() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

// shutdown waits for replies being written to be saved; the shell cancels
// its context first, so they end as interrupted.
func (a *App) shutdown() {
	if a.engine != nil {
		a.engine.Wait()
	}
}

// Info returns the app's name and version.
func (a *App) Info() AppInfo {
	return AppInfo{Name: "Murmur", Version: a.version}
}

// ---- conversations -------------------------------------------------------

// ConversationPage is one page of the conversation list.
type ConversationPage struct {
	Items []store.Summary `json:"items"`
	Total int             `json:"total"`
	More  bool            `json:"more"`
}

// SearchPage is one page of search results. Capped means a very common
// word was searched: results come newest first and Total is a lower bound.
type SearchPage struct {
	Items  []store.Hit `json:"items"`
	Total  int         `json:"total"`
	More   bool        `json:"more"`
	Capped bool        `json:"capped"`
}

func parseArchived(s string) (store.Archived, error) {
	switch s {
	case "", "active":
		return store.ArchivedExclude, nil
	case "archived":
		return store.ArchivedOnly, nil
	case "all":
		return store.ArchivedInclude, nil
	}
	return 0, invalidf("filter", "the list filter must be active, archived or all, not %q", clipText(s, 20))
}

func checkPage(offset, limit int) error {
	if offset < 0 || limit < 0 || limit > store.MaxLimit {
		return invalidf("page", "a page starts at 0 or later and holds at most %d items", store.MaxLimit)
	}
	return nil
}

// ListConversations returns a page of conversations, pinned first, then the
// most recent. filter is "active" (default), "archived" or "all".
func (a *App) ListConversations(filter string, offset, limit int) (ConversationPage, error) {
	arch, err := parseArchived(filter)
	if err != nil {
		return ConversationPage{}, err
	}
	if err := checkPage(offset, limit); err != nil {
		return ConversationPage{}, err
	}
	p, err := a.store.List(a.context(), store.ListQuery{Archived: arch, Offset: offset, Limit: limit})
	if err != nil {
		return ConversationPage{}, uiError("list conversations", err)
	}
	return ConversationPage{Items: nonNil(p.Items), Total: p.Total, More: p.More}, nil
}

// SearchConversations searches the text of every message.
func (a *App) SearchConversations(query, filter string, offset, limit int) (SearchPage, error) {
	arch, err := parseArchived(filter)
	if err != nil {
		return SearchPage{}, err
	}
	if err := checkPage(offset, limit); err != nil {
		return SearchPage{}, err
	}
	if len(query) > 1000 || !utf8.ValidString(query) {
		return SearchPage{}, invalidf("query", "the search text must be valid text of at most 1000 bytes")
	}
	p, err := a.store.Search(a.context(), store.SearchQuery{Text: query, Archived: arch, Offset: offset, Limit: limit})
	if err != nil {
		return SearchPage{}, uiError("search", err)
	}
	return SearchPage{Items: nonNil(p.Items), Total: p.Total, More: p.More, Capped: p.Capped}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// MessageView is one message of the current path, as the UI shows it.
type MessageView struct {
	ID           string                  `json:"id"`
	ParentID     string                  `json:"parentId"`
	Role         string                  `json:"role"`
	Content      string                  `json:"content"`
	Reasoning    string                  `json:"reasoning"`
	Status       string                  `json:"status"`
	Error        *conversation.ErrorInfo `json:"error,omitempty"`
	FinishReason string                  `json:"finishReason,omitempty"`
	Usage        *conversation.Usage     `json:"usage,omitempty"`
	Timing       *conversation.Timing    `json:"timing,omitempty"`
	Model        string                  `json:"model,omitempty"`
	CreatedAt    string                  `json:"createdAt"`
	// Alternatives are the ids of this message and its siblings (regenerated
	// replies, edited prompts); Alternative is this one's position in them.
	Alternatives []string `json:"alternatives"`
	Alternative  int      `json:"alternative"`
	// Continuable says Continue may be offered.
	Continuable bool `json:"continuable"`
}

// ConversationView is a conversation with its current path.
type ConversationView struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	CreatedAt    string              `json:"createdAt"`
	UpdatedAt    string              `json:"updatedAt"`
	Pinned       bool                `json:"pinned"`
	Archived     bool                `json:"archived"`
	ProviderID   string              `json:"providerId"`
	Model        string              `json:"model"`
	SystemPrompt *string             `json:"systemPrompt,omitempty"`
	Params       conversation.Params `json:"params"`
	Messages     []MessageView       `json:"messages"`
}

func viewOf(c *conversation.Conversation) ConversationView {
	v := ConversationView{
		ID: c.ID, Title: c.Title, CreatedAt: c.CreatedAt.Format(time.RFC3339), UpdatedAt: c.UpdatedAt.Format(time.RFC3339),
		Pinned: c.Pinned, Archived: c.Archived, ProviderID: c.ProviderID, Model: c.Model,
		SystemPrompt: c.SystemPrompt, Params: c.Params, Messages: []MessageView{},
	}
	for _, m := range c.Path() {
		sib := c.Siblings(m.ID)
		pos := 0
		for i, id := range sib {
			if id == m.ID {
				pos = i
			}
		}
		v.Messages = append(v.Messages, MessageView{
			ID: m.ID, ParentID: m.ParentID, Role: string(m.Role), Content: m.Content.PlainText(),
			Reasoning: m.Reasoning, Status: string(m.Status), Error: m.Error, FinishReason: m.FinishReason,
			Usage: m.Usage, Timing: m.Timing, Model: m.Model, CreatedAt: m.CreatedAt.Format(time.RFC3339),
			Alternatives: sib, Alternative: pos,
			Continuable: m.Role == conversation.RoleAssistant && chat.Continuable(m),
		})
	}
	return v
}

func checkConvID(id string) error {
	if !conversation.ValidID(id) {
		return invalidf("id", "that is not a conversation id")
	}
	return nil
}

func checkMessageID(id string) error {
	if id == "" || len(id) > conversation.MaxIDBytes || !utf8.ValidString(id) {
		return invalidf("messageId", "that is not a message id")
	}
	return nil
}

// checkMessageRef validates a conversation id and a message id in it.
func checkMessageRef(convID, msgID string) error {
	if err := checkConvID(convID); err != nil {
		return err
	}
	return checkMessageID(msgID)
}

// GetConversation returns a conversation with its current path.
func (a *App) GetConversation(id string) (ConversationView, error) {
	if err := checkConvID(id); err != nil {
		return ConversationView{}, err
	}
	c, err := a.store.Get(a.context(), id)
	if err != nil {
		return ConversationView{}, uiError("open conversation", err)
	}
	return viewOf(c), nil
}

// NewConversation creates an empty conversation.
func (a *App) NewConversation() (ConversationView, error) {
	c, err := a.engine.NewConversation(a.context())
	if err != nil {
		return ConversationView{}, uiError("new conversation", err)
	}
	return viewOf(c), nil
}

// maxTitle bounds a title the user types.
const maxTitle = 200

// RenameConversation sets a conversation's title.
func (a *App) RenameConversation(id, title string) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	title = strings.TrimSpace(title)
	if title == "" || len(title) > maxTitle || !utf8.ValidString(title) {
		return invalidf("title", "a title is 1 to %d characters of text", maxTitle)
	}
	return uiError("rename conversation", a.store.Rename(a.context(), id, title))
}

// DeleteConversation deletes a conversation and stops its reply, if any.
func (a *App) DeleteConversation(id string) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	_ = a.engine.StopConversation(id)
	return uiError("delete conversation", a.store.Delete(a.context(), id))
}

// PinConversation pins or unpins a conversation.
func (a *App) PinConversation(id string, pinned bool) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	return uiError("pin conversation", a.store.SetPinned(a.context(), id, pinned))
}

// ArchiveConversation archives or restores a conversation.
func (a *App) ArchiveConversation(id string, archived bool) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	return uiError("archive conversation", a.store.SetArchived(a.context(), id, archived))
}

// ConversationOptions are a conversation's own provider, model, system
// prompt and parameters; empty or nil values follow the defaults.
type ConversationOptions struct {
	ProviderID   string              `json:"providerId"`
	Model        string              `json:"model"`
	SystemPrompt *string             `json:"systemPrompt"`
	Params       conversation.Params `json:"params"`
}

// SetConversationOptions changes a conversation's own options.
func (a *App) SetConversationOptions(id string, o ConversationOptions) (ConversationView, error) {
	if err := checkConvID(id); err != nil {
		return ConversationView{}, err
	}
	if o.ProviderID != "" {
		if _, ok := a.Settings().Provider(o.ProviderID); !ok {
			return ConversationView{}, invalidf("providerId", "there is no provider %q in the settings", clipText(o.ProviderID, 40))
		}
	}
	if len(o.Model) > 200 || (o.SystemPrompt != nil && len(*o.SystemPrompt) > 100_000) {
		return ConversationView{}, invalidf("model", "the model name or system prompt is too long")
	}
	if problems := settings.Errors(paramProblems(o.Params)); len(problems) > 0 {
		return ConversationView{}, &UIError{Kind: "invalid", Message: problems[0].Message, Fields: problems}
	}
	c, err := a.engine.Modify(a.context(), id, func(c *conversation.Conversation) error {
		c.ProviderID, c.Model, c.SystemPrompt, c.Params = o.ProviderID, o.Model, o.SystemPrompt, o.Params
		return nil
	})
	if err != nil {
		return ConversationView{}, uiError("change options", err)
	}
	return viewOf(c), nil
}

// paramProblems validates parameters with the same rules as the defaults.
func paramProblems(p conversation.Params) []settings.FieldError {
	var out []settings.FieldError
	for _, pr := range p.Validate() {
		if !pr.Warning {
			out = append(out, settings.FieldError{Path: "params." + pr.Field, Message: pr.Message})
		}
	}
	return out
}

// ---- messages -------------------------------------------------------------

// maxPrompt bounds one prompt (4 MiB).
const maxPrompt = 4 << 20

func checkPrompt(text string) error {
	if len(text) > maxPrompt || !utf8.ValidString(text) {
		return invalidf("text", "a message must be valid text of at most 4 MiB")
	}
	if strings.TrimSpace(text) == "" {
		return invalidf("text", "the message is empty")
	}
	return nil
}

// Send adds a message to a conversation (a new one when conversationID is
// empty) and starts the reply. Listen to the returned event name; call
// StreamSnapshot to catch up on events sent before listening.
func (a *App) Send(conversationID, text string) (chat.Started, error) {
	if conversationID != "" {
		if err := checkConvID(conversationID); err != nil {
			return chat.Started{}, err
		}
	}
	if err := checkPrompt(text); err != nil {
		return chat.Started{}, err
	}
	s, err := a.engine.Send(a.context(), conversationID, text)
	return s, uiError("send", err)
}

// Stop stops a reply being written; its text so far is kept.
func (a *App) Stop(streamID string) error {
	if !conversation.ValidID(streamID) {
		return invalidf("streamId", "that is not a stream id")
	}
	return uiError("stop", a.engine.Stop(streamID))
}

// Regenerate writes a new reply in place of messageID; the old one stays as
// an alternative.
func (a *App) Regenerate(conversationID, messageID string) (chat.Started, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return chat.Started{}, err
	}
	s, err := a.engine.Regenerate(a.context(), conversationID, messageID)
	return s, uiError("regenerate", err)
}

// Edit resends an edited copy of one of your messages; the original stays as
// an alternative.
func (a *App) Edit(conversationID, messageID, text string) (chat.Started, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return chat.Started{}, err
	}
	if err := checkPrompt(text); err != nil {
		return chat.Started{}, err
	}
	s, err := a.engine.Edit(a.context(), conversationID, messageID, text)
	return s, uiError("edit", err)
}

// Continue goes on with a stopped, interrupted or cut-off reply.
func (a *App) Continue(conversationID, messageID string) (chat.Started, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return chat.Started{}, err
	}
	s, err := a.engine.Continue(a.context(), conversationID, messageID)
	return s, uiError("continue", err)
}

// SwitchAlternative shows the alternative messageID and what follows it.
func (a *App) SwitchAlternative(conversationID, messageID string) (ConversationView, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return ConversationView{}, err
	}
	c, err := a.engine.Switch(a.context(), conversationID, messageID)
	if err != nil {
		return ConversationView{}, uiError("switch alternative", err)
	}
	return viewOf(c), nil
}

// StreamSnapshot returns what a reply has produced so far.
func (a *App) StreamSnapshot(streamID string) (chat.Snapshot, error) {
	if !conversation.ValidID(streamID) {
		return chat.Snapshot{}, invalidf("streamId", "that is not a stream id")
	}
	s, ok := a.engine.Snapshot(streamID)
	if !ok {
		return chat.Snapshot{}, &UIError{Kind: "not_found", Message: "That reply is no longer being written."}
	}
	return s, nil
}

// ---- settings and keys ---------------------------------------------------

// SettingsView is the settings with what the UI should tell about them.
type SettingsView struct {
	Settings settings.Settings       `json:"settings"`
	Report   settings.LoadReport     `json:"report"`
	Presets  []settings.PresetInfo   `json:"presets"`
	Keys     map[string]KeyStatusRow `json:"keys"`
}

// KeyStatusRow is secrets.Status for the UI (never the key).
type KeyStatusRow = secrets.Status

// Settings returns a copy of the current settings.
func (a *App) Settings() settings.Settings {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.settings.Clone()
}

// GetSettings returns the settings, how they were loaded, the provider
// presets and the status of every provider's key.
func (a *App) GetSettings() SettingsView {
	a.mu.Lock()
	s, rep := a.settings.Clone(), a.report
	a.mu.Unlock()
	keys := make(map[string]KeyStatusRow, len(s.Providers))
	for _, p := range s.Providers {
		keys[p.ID] = a.keys.Status(a.context(), p.ID)
	}
	return SettingsView{Settings: s, Report: rep, Presets: settings.Presets(), Keys: keys}
}

// SaveSettings validates and saves the settings. A provider whose base URL
// moved to another origin (or that was removed) loses its key. Warnings
// (e.g. plain http) are returned; errors refuse the save.
func (a *App) SaveSettings(s settings.Settings) ([]settings.FieldError, error) {
	problems := s.Validate()
	if errs := settings.Errors(problems); len(errs) > 0 {
		return nil, &UIError{Kind: "invalid", Message: "Some settings need fixing: " + errs[0].Message, Fields: errs}
	}
	ctx := a.context()
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	old := a.Settings()
	// Keys of providers that moved to another origin go first: if one cannot
	// be forgotten, nothing is saved, so no key is ever sent to a new host.
	if _, err := a.keys.ForgetMoved(ctx, endpoints(old), endpoints(s)); err != nil {
		return nil, uiError("forget the keys of providers that moved", err)
	}
	if err := a.sets.Save(ctx, s); err != nil {
		return nil, uiError("save settings", err)
	}
	a.mu.Lock()
	a.settings = s.Clone()
	a.report.Problems = nil
	a.mu.Unlock()
	return nonNil(settings.Warnings(problems)), nil
}

func endpoints(s settings.Settings) []secrets.Endpoint {
	out := make([]secrets.Endpoint, 0, len(s.Providers))
	for _, p := range s.Providers {
		out = append(out, secrets.Endpoint{ProviderID: p.ID, BaseURL: p.BaseURL})
	}
	return out
}

func (a *App) provider(id string) (settings.Provider, error) {
	p, ok := a.Settings().Provider(id)
	if !ok {
		return settings.Provider{}, invalidf("providerId", "there is no provider %q in the settings", clipText(id, 40))
	}
	return p, nil
}

// SetKey stores a provider's API key in the keychain (or for this session
// only, when there is no keychain; the status says so).
func (a *App) SetKey(providerID, key string) (KeyStatusRow, error) {
	if _, err := a.provider(providerID); err != nil {
		return KeyStatusRow{}, err
	}
	ctx := a.context()
	if err := a.keys.Set(ctx, providerID, key); err != nil {
		return KeyStatusRow{}, uiError("save the key", err)
	}
	return a.keys.Status(ctx, providerID), nil
}

// DeleteKey removes a provider's API key.
func (a *App) DeleteKey(providerID string) (KeyStatusRow, error) {
	if _, err := a.provider(providerID); err != nil {
		return KeyStatusRow{}, err
	}
	ctx := a.context()
	if err := a.keys.Delete(ctx, providerID); err != nil {
		return KeyStatusRow{}, uiError("delete the key", err)
	}
	return a.keys.Status(ctx, providerID), nil
}

// KeyStatus says whether a provider has a key, where it comes from, and its
// last characters — never the key.
func (a *App) KeyStatus(providerID string) (KeyStatusRow, error) {
	if _, err := a.provider(providerID); err != nil {
		return KeyStatusRow{}, err
	}
	return a.keys.Status(a.context(), providerID), nil
}

// ---- providers -------------------------------------------------------------

func toLLM(p settings.Provider) llm.Provider {
	return llm.Provider{ID: p.ID, BaseURL: p.BaseURL, Auth: llm.AuthStyle(p.Auth), Headers: p.Headers, ExtraBody: p.ExtraBody}
}

// keyFor returns the provider's key; a provider without auth needs none.
func (a *App) keyFor(ctx context.Context, p settings.Provider) (string, error) {
	if p.Auth == settings.AuthNone {
		return "", nil
	}
	if envVar, ok := a.keys.FromEnv(p.ID); ok {
		// A key from the environment was set for the address the provider had
		// at start-up; it never follows the provider somewhere else.
		if o, err := secrets.Origin(p.BaseURL); err != nil || o != a.startOrigins[p.ID] {
			return "", &UIError{Kind: "auth", Message: fmt.Sprintf(
				"The key in %s is only sent to the address %s had when Murmur started; restart Murmur to use it with the new address, or set a key in Settings.", envVar, p.Name)}
		}
	}
	key, err := a.keys.Get(ctx, p.ID)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", &UIError{Kind: "auth", Message: fmt.Sprintf("There is no API key for %s yet: add one in Settings.", p.Name)}
	}
	if err != nil {
		return "", uiError("read the API key", err)
	}
	return key, nil
}

// ListModels fetches a provider's model list and keeps it in the settings.
func (a *App) ListModels(providerID string) ([]string, error) {
	p, err := a.provider(providerID)
	if err != nil {
		return nil, err
	}
	ctx := a.context()
	key, err := a.keyFor(ctx, p)
	if err != nil {
		return nil, err
	}
	models, err := a.client.ListModels(ctx, toLLM(p), key)
	if err != nil {
		return nil, uiError("list models", err)
	}
	ids := make([]string, 0, len(models))
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	a.cacheModels(ctx, p, ids)
	return ids, nil
}

// cacheModels keeps a fetched model list in the latest settings, unless the
// provider moved to another address meanwhile.
func (a *App) cacheModels(ctx context.Context, fetched settings.Provider, ids []string) {
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	s := a.Settings()
	changed := false
	for i := range s.Providers {
		if s.Providers[i].ID == fetched.ID && s.Providers[i].BaseURL == fetched.BaseURL {
			s.Providers[i].Models = ids
			s.Providers[i].ModelsFetchedAt = time.Now().UTC()
			changed = true
		}
	}
	if !changed {
		return
	}
	if err := a.sets.Save(ctx, s); err != nil {
		a.log.Warn("could not cache the model list", "provider", fetched.ID, "err", err)
		return
	}
	a.mu.Lock()
	a.settings = s
	a.mu.Unlock()
}

// Credits returns the Swarms credit balance of a provider.
func (a *App) Credits(providerID string) (llm.Credits, error) {
	p, err := a.provider(providerID)
	if err != nil {
		return llm.Credits{}, err
	}
	ctx := a.context()
	key, err := a.keyFor(ctx, p)
	if err != nil {
		return llm.Credits{}, err
	}
	c, err := a.client.Credits(ctx, toLLM(p), key)
	if err != nil {
		return llm.Credits{}, uiError("read credits", err)
	}
	return *c, nil
}

// RateLimits returns the Swarms rate-limit status of a provider.
func (a *App) RateLimits(providerID string) (llm.RateLimits, error) {
	p, err := a.provider(providerID)
	if err != nil {
		return llm.RateLimits{}, err
	}
	ctx := a.context()
	key, err := a.keyFor(ctx, p)
	if err != nil {
		return llm.RateLimits{}, err
	}
	r, err := a.client.RateLimits(ctx, toLLM(p), key)
	if err != nil {
		return llm.RateLimits{}, uiError("read rate limits", err)
	}
	return *r, nil
}

// resolve builds the request target of a conversation from its own options
// over the defaults in settings.
func (a *App) resolve(ctx context.Context, c *conversation.Conversation) (chat.Target, error) {
	s := a.Settings()
	pid := c.ProviderID
	if pid == "" {
		pid = s.Defaults.ProviderID
	}
	p, ok := s.Provider(pid)
	if !ok {
		return chat.Target{}, &UIError{Kind: "config", Message: fmt.Sprintf("The provider %q is not in the settings any more: choose another one.", clipText(pid, 40))}
	}
	model := c.Model
	if model == "" && pid == s.Defaults.ProviderID {
		model = s.Defaults.Model
	}
	if model == "" {
		model = p.DefaultModel
	}
	if model == "" {
		return chat.Target{}, &UIError{Kind: "config", Message: fmt.Sprintf("No model is chosen for %s: pick one in Settings.", p.Name)}
	}
	key, err := a.keyFor(ctx, p)
	if err != nil {
		return chat.Target{}, err
	}
	params := s.Defaults.Params.Over(c.Params)
	system := s.Defaults.SystemPrompt
	if c.SystemPrompt != nil {
		system = *c.SystemPrompt
	}
	return chat.Target{
		Provider: toLLM(p), Key: key, Model: model, Params: params, SystemPrompt: system,
		HistoryLimit: s.Defaults.HistoryLimit, Stream: s.Defaults.Stream,
		SupportsMaxLoops: p.SupportsMaxLoops,
		// Swarms' schema has no stream_options; OpenAI needs it for usage.
		StreamUsage: p.Preset != settings.PresetSwarms,
		AutoTitle:   true,
	}, nil
}
