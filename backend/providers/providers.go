// Package providers is the policy between a conversation and the endpoint
// it is sent to: which provider, model, parameters and key a conversation
// uses (its own choices over the defaults in settings); that a key from the
// environment is only ever sent to the address its provider had when the
// app started; the settings held in memory and saved with the keys of
// providers that moved forgotten first; the model lists cached in the
// settings; and the provider-scoped calls (models, credits, rate limits).
package providers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
)

// Kind says what is missing or wrong, so that a UI can offer the fix.
type Kind string

// The kinds of Error.
const (
	// KindUnknown: no provider with that id is in the settings (a bad argument).
	KindUnknown Kind = "unknown_provider"
	// KindNoKey: the provider needs a key and has none.
	KindNoKey Kind = "no_key"
	// KindEnvKeyMoved: the key is in the environment but the provider's
	// address changed since the app started.
	KindEnvKeyMoved Kind = "env_key_moved"
	// KindGone: the conversation's provider was removed from the settings.
	KindGone Kind = "provider_gone"
	// KindNoModel: no model is chosen for the conversation or its provider.
	KindNoModel Kind = "no_model"
)

// Error is a problem with the providers' configuration. Its message says
// what to do, in words for the person using the app.
type Error struct {
	Kind       Kind
	ProviderID string
	Message    string
}

func (e *Error) Error() string { return e.Message }

// Providers is safe for concurrent use.
type Providers struct {
	live   *settings.Live
	keys   *secrets.Keys
	client *llm.Client
	log    *slog.Logger
	// startOrigins are the providers' origins when the settings were first
	// loaded: a key from the environment is only sent there.
	startOrigins map[string]string
}

// New returns the providers of live settings, with their keys and the
// client that calls them.
func New(live *settings.Live, keys *secrets.Keys, client *llm.Client, log *slog.Logger) *Providers {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := live.Get()
	origins := make(map[string]string, len(s.Providers))
	for _, p := range s.Providers {
		if o, err := secrets.Origin(p.BaseURL); err == nil {
			origins[p.ID] = o
		}
	}
	return &Providers{live: live, keys: keys, client: client, log: log, startOrigins: origins}
}

// Settings returns a copy of the current settings.
func (ps *Providers) Settings() settings.Settings { return ps.live.Get() }

// Report says how the settings were loaded.
func (ps *Providers) Report() settings.LoadReport { return ps.live.Report() }

// Save makes edit(current) the settings, under the settings' one lock, so
// that no other change (a model list being cached) slips in between. The
// result is validated first, then the keys of providers whose address moved
// to another origin, or that were removed, are forgotten: if one cannot be,
// nothing is saved, so that no key is ever sent to a new host. A
// *settings.ValidationError lists every problem of settings that cannot be
// saved; the warnings of saved ones are returned.
func (ps *Providers) Save(ctx context.Context, edit func(current settings.Settings) settings.Settings) ([]settings.FieldError, error) {
	return ps.live.Update(ctx, func(s *settings.Settings) error {
		next := edit(s.Clone())
		if problems := next.Validate(); len(settings.Errors(problems)) > 0 {
			return &settings.ValidationError{Problems: problems}
		}
		if _, err := ps.keys.ForgetMoved(ctx, endpoints(*s), endpoints(next)); err != nil {
			return fmt.Errorf("forget the keys of providers that moved: %w", err)
		}
		*s = next
		return nil
	})
}

func endpoints(s settings.Settings) []secrets.Endpoint {
	out := make([]secrets.Endpoint, 0, len(s.Providers))
	for _, p := range s.Providers {
		out = append(out, secrets.Endpoint{ProviderID: p.ID, BaseURL: p.BaseURL})
	}
	return out
}

// Provider returns the provider with the given id.
func (ps *Providers) Provider(id string) (settings.Provider, error) {
	p, ok := ps.live.Get().Provider(id)
	if !ok {
		return settings.Provider{}, &Error{Kind: KindUnknown, ProviderID: id,
			Message: fmt.Sprintf("there is no provider %q in the settings", clip(id, 40))}
	}
	return p, nil
}

// Target builds the request target of conversation c: its own provider,
// model, system prompt and parameters over the defaults in settings, and the
// provider's key. It is the chat engine's Resolver.
func (ps *Providers) Target(ctx context.Context, c *conversation.Conversation) (chat.Target, error) {
	s := ps.live.Get()
	pid := c.ProviderID
	if pid == "" {
		pid = s.Defaults.ProviderID
	}
	p, ok := s.Provider(pid)
	if !ok {
		return chat.Target{}, &Error{Kind: KindGone, ProviderID: pid, Message: fmt.Sprintf(
			"The provider %q is not in the settings any more: choose another one.", clip(pid, 40))}
	}
	model := c.Model
	if model == "" && pid == s.Defaults.ProviderID {
		model = s.Defaults.Model
	}
	if model == "" {
		model = p.DefaultModel
	}
	if model == "" {
		return chat.Target{}, &Error{Kind: KindNoModel, ProviderID: pid, Message: fmt.Sprintf(
			"No model is chosen for %s: pick one.", name(p))}
	}
	key, err := ps.key(ctx, p)
	if err != nil {
		return chat.Target{}, err
	}
	system := s.Defaults.SystemPrompt
	if c.SystemPrompt != nil {
		system = *c.SystemPrompt
	}
	return chat.Target{
		Provider: toLLM(p), Key: key, Model: model, Params: s.Defaults.Params.Over(c.Params), SystemPrompt: system,
		HistoryLimit: s.Defaults.HistoryLimit, Stream: s.Defaults.Stream,
		SupportsMaxLoops: p.SupportsMaxLoops,
		// Swarms' schema has no stream_options; OpenAI needs it for usage.
		StreamUsage: p.Preset != settings.PresetSwarms,
		AutoTitle:   true,
	}, nil
}

// key returns the provider's key; a provider without auth needs none.
func (ps *Providers) key(ctx context.Context, p settings.Provider) (string, error) {
	if p.Auth == settings.AuthNone {
		return "", nil
	}
	if envVar, ok := ps.keys.FromEnv(p.ID); ok {
		// A key from the environment was set for the address the provider had
		// at start-up; it never follows the provider somewhere else.
		if o, err := secrets.Origin(p.BaseURL); err != nil || o != ps.startOrigins[p.ID] {
			return "", &Error{Kind: KindEnvKeyMoved, ProviderID: p.ID, Message: fmt.Sprintf(
				"The key in %s is only sent to the address %s had when Murmur started; restart Murmur to use it with the new address, or set a key in Settings.",
				envVar, name(p))}
		}
	}
	key, err := ps.keys.Get(ctx, p.ID)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", &Error{Kind: KindNoKey, ProviderID: p.ID, Message: fmt.Sprintf(
			"There is no API key for %s yet: add one in Settings.", name(p))}
	}
	if err != nil {
		return "", fmt.Errorf("read the API key of %s: %w", name(p), err)
	}
	return key, nil
}

// Endpoint returns provider id and its key, for `murmur serve`, which adds
// the key to what it proxies there.
func (ps *Providers) Endpoint(ctx context.Context, id string) (settings.Provider, string, error) {
	p, err := ps.Provider(id)
	if err != nil {
		return p, "", err
	}
	key, err := ps.key(ctx, p)
	return p, key, err
}

// call runs fn against provider id with its key.
func call[T any](ctx context.Context, ps *Providers, id string, fn func(context.Context, llm.Provider, string) (T, error)) (T, settings.Provider, error) {
	var zero T
	p, err := ps.Provider(id)
	if err != nil {
		return zero, p, err
	}
	key, err := ps.key(ctx, p)
	if err != nil {
		return zero, p, err
	}
	v, err := fn(ctx, toLLM(p), key)
	return v, p, err
}

// Models fetches a provider's model list and keeps it in the settings.
func (ps *Providers) Models(ctx context.Context, id string) ([]string, error) {
	models, p, err := call(ctx, ps, id, ps.client.ListModels)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(models))
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	ps.cacheModels(ctx, p, ids)
	return ids, nil
}

// cacheModels keeps a fetched model list in the settings, unless the
// provider moved to another address meanwhile. A failure is only logged:
// the list was fetched and is returned all the same.
func (ps *Providers) cacheModels(ctx context.Context, fetched settings.Provider, ids []string) {
	_, err := ps.live.Update(ctx, func(s *settings.Settings) error {
		for i := range s.Providers {
			if s.Providers[i].ID == fetched.ID && s.Providers[i].BaseURL == fetched.BaseURL {
				s.Providers[i].Models = ids
				s.Providers[i].ModelsFetchedAt = time.Now().UTC()
				return nil
			}
		}
		return errMoved
	})
	if err != nil && !errors.Is(err, errMoved) {
		ps.log.Warn("could not cache the model list", "provider", fetched.ID, "err", err)
	}
}

var errMoved = errors.New("the provider moved while its models were fetched")

// Check fetches the model list of a provider as the user entered it, saved
// or not, to test it: its address and its key. The key given is used, and
// nothing is kept. Without one, a saved provider at the same origin uses its
// stored key; a key never goes to an address other than its provider's.
func (ps *Providers) Check(ctx context.Context, p settings.Provider, key string) ([]string, error) {
	if problems := settings.Errors(p.Problems()); len(problems) > 0 {
		return nil, &settings.ValidationError{Problems: problems}
	}
	if key == "" && p.Auth != settings.AuthNone {
		saved, err := ps.Provider(p.ID)
		so, serr := secrets.Origin(saved.BaseURL)
		o, oerr := secrets.Origin(p.BaseURL)
		if err != nil || serr != nil || oerr != nil || so != o {
			return nil, &Error{Kind: KindNoKey, ProviderID: p.ID, Message: fmt.Sprintf("Enter the API key of %s to test it.", name(p))}
		}
		if key, err = ps.key(ctx, saved); err != nil {
			return nil, err
		}
	}
	models, err := ps.client.ListModels(ctx, toLLM(p), key)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(models))
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// Credits returns the Swarms credit balance of a provider.
func (ps *Providers) Credits(ctx context.Context, id string) (*llm.Credits, error) {
	c, _, err := call(ctx, ps, id, ps.client.Credits)
	return c, err
}

// RateLimits returns the Swarms rate-limit status of a provider.
func (ps *Providers) RateLimits(ctx context.Context, id string) (*llm.RateLimits, error) {
	r, _, err := call(ctx, ps, id, ps.client.RateLimits)
	return r, err
}

// SetKey stores a provider's API key in the keychain (or for this session
// only when there is no keychain; the status says so).
func (ps *Providers) SetKey(ctx context.Context, id, key string) (secrets.Status, error) {
	if _, err := ps.Provider(id); err != nil {
		return secrets.Status{}, err
	}
	if err := ps.keys.Set(ctx, id, key); err != nil {
		return secrets.Status{}, fmt.Errorf("save the key: %w", err)
	}
	return ps.keys.Status(ctx, id), nil
}

// DeleteKey removes a provider's API key.
func (ps *Providers) DeleteKey(ctx context.Context, id string) (secrets.Status, error) {
	if _, err := ps.Provider(id); err != nil {
		return secrets.Status{}, err
	}
	if err := ps.keys.Delete(ctx, id); err != nil {
		return secrets.Status{}, fmt.Errorf("delete the key: %w", err)
	}
	return ps.keys.Status(ctx, id), nil
}

// KeyStatus says whether a provider has a key and where it comes from;
// never the key.
func (ps *Providers) KeyStatus(ctx context.Context, id string) (secrets.Status, error) {
	if _, err := ps.Provider(id); err != nil {
		return secrets.Status{}, err
	}
	return ps.keys.Status(ctx, id), nil
}

// KeyStorage says whether keys can be kept on this device at the user's
// choice (the web build) and whether they are.
func (ps *Providers) KeyStorage() (switchable, remembered bool) { return ps.keys.Remembering() }

// RememberKeys turns "remember keys on this device" on (the keys set this
// session are stored) or off (stored keys are deleted from the device and
// kept for this session only).
func (ps *Providers) RememberKeys(ctx context.Context, on bool) error {
	s := ps.live.Get()
	ids := make([]string, 0, len(s.Providers))
	for _, p := range s.Providers {
		ids = append(ids, p.ID)
	}
	if err := ps.keys.Remember(ctx, on, ids); err != nil {
		if on {
			return fmt.Errorf("remember the keys on this device: %w", err)
		}
		return fmt.Errorf("forget the keys on this device: %w", err)
	}
	return nil
}

// KeyStatuses returns the key status of every provider in s.
func (ps *Providers) KeyStatuses(ctx context.Context, s settings.Settings) map[string]secrets.Status {
	out := make(map[string]secrets.Status, len(s.Providers))
	for _, p := range s.Providers {
		out[p.ID] = ps.keys.Status(ctx, p.ID)
	}
	return out
}

func toLLM(p settings.Provider) llm.Provider {
	return llm.Provider{ID: p.ID, BaseURL: p.BaseURL, Auth: llm.AuthStyle(p.Auth), Headers: p.Headers, ExtraBody: p.ExtraBody}
}

func name(p settings.Provider) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
