package settings

import (
	"encoding/json"
	"time"

	"murmur/backend/conversation"
)

// CurrentVersion is the version of the settings document this code writes.
// Version 0 is the single-provider shape of early builds (see migrate.go).
const CurrentVersion = 1

// AuthStyle is how a provider expects the API key. The values are the same
// as backend/llm's.
type AuthStyle string

// The auth styles.
const (
	AuthXAPIKey AuthStyle = "x-api-key" // header "x-api-key: <key>" (Swarms)
	AuthBearer  AuthStyle = "bearer"    // header "Authorization: Bearer <key>"
	AuthNone    AuthStyle = "none"      // no credentials (local servers)
)

// Preset names the kind of provider a Provider was created from.
type Preset string

// The presets.
const (
	PresetSwarms     Preset = "swarms"
	PresetOpenAI     Preset = "openai"
	PresetOpenRouter Preset = "openrouter"
	PresetOllama     Preset = "ollama"
	PresetLMStudio   Preset = "lmstudio"
	PresetCustom     Preset = "custom"
)

// Theme is the colour scheme.
type Theme string

// The themes.
const (
	ThemeSystem Theme = "system"
	ThemeLight  Theme = "light"
	ThemeDark   Theme = "dark"
)

// Settings is the whole settings document.
type Settings struct {
	// Version is the document version; Load migrates older ones.
	Version int `json:"version"`
	// Providers are the configured endpoints.
	Providers []Provider `json:"providers"`
	// Defaults apply to new conversations.
	Defaults Defaults `json:"defaults"`
	// Appearance is the look of the app.
	Appearance Appearance `json:"appearance"`
	// Extra holds fields this version does not know, written back unchanged.
	Extra map[string]json.RawMessage `json:"-"`
}

// Provider is one OpenAI-compatible endpoint. It holds no secret: its key is
// in the keychain under its ID.
type Provider struct {
	// ID names the provider here and in the keychain; see ValidProviderID.
	ID string `json:"id"`
	// Name is shown in the UI.
	Name string `json:"name"`
	// Preset is the kind of provider it was created from.
	Preset Preset `json:"preset"`
	// BaseURL is the API root that "/chat/completions" and "/models" are
	// appended to, e.g. "https://api.swarms.world/v1".
	BaseURL string `json:"base_url"`
	// Auth is how the key is sent.
	Auth AuthStyle `json:"auth"`
	// Headers are extra non-secret headers sent with every request.
	Headers map[string]string `json:"headers,omitempty"`
	// ExtraBody holds extra top-level JSON fields merged into every chat
	// request body.
	ExtraBody map[string]json.RawMessage `json:"extra_body,omitempty"`
	// Models is the cached model list, as last fetched.
	Models []string `json:"models,omitempty"`
	// ModelsFetchedAt is when Models was fetched; zero if never.
	ModelsFetchedAt time.Time `json:"models_fetched_at,omitzero"`
	// DefaultModel is used when a conversation names none.
	DefaultModel string `json:"default_model,omitempty"`
	// SupportsMaxLoops is true for endpoints that take Swarms' max_loops.
	SupportsMaxLoops bool `json:"supports_max_loops,omitempty"`
	// Extra holds fields this version does not know.
	Extra map[string]json.RawMessage `json:"-"`
}

// Defaults are the parameters of new conversations. A parameter that is not
// set is not sent, so the provider's own default applies.
type Defaults struct {
	// ProviderID is the provider new conversations use.
	ProviderID string `json:"provider_id"`
	// Model is the model new conversations use; "" means the provider's
	// DefaultModel.
	Model string `json:"model,omitempty"`
	// Params are written inline (temperature, top_p, …, max_loops);
	// max_loops is sent only to providers that support it.
	conversation.Params
	// SystemPrompt starts every new conversation when not empty.
	SystemPrompt string `json:"system_prompt,omitempty"`
	// HistoryLimit is how many past messages are sent with a prompt; 0 means all.
	HistoryLimit int `json:"history_limit"`
	// Stream asks for streamed replies.
	Stream bool `json:"stream"`
	// Extra holds fields this version does not know.
	Extra map[string]json.RawMessage `json:"-"`
}

// Appearance is the look of the app.
type Appearance struct {
	Theme Theme `json:"theme"`
	// FontSize is the base font size in CSS pixels.
	FontSize int `json:"font_size"`
	// Extra holds fields this version does not know.
	Extra map[string]json.RawMessage `json:"-"`
}

// Limits of the appearance settings.
const (
	MinFontSize     = 10
	MaxFontSize     = 32
	DefaultFontSize = 15
)

// Default returns the settings of a first start: the Swarms provider, its
// defaults, streaming on and the system theme.
func Default() Settings {
	sw := NewProvider(PresetSwarms)
	return Settings{
		Version:   CurrentVersion,
		Providers: []Provider{sw},
		Defaults: Defaults{
			ProviderID: sw.ID,
			Stream:     true,
		},
		Appearance: Appearance{Theme: ThemeSystem, FontSize: DefaultFontSize},
	}
}

// Provider returns the provider with the given id.
func (s Settings) Provider(id string) (Provider, bool) {
	for _, p := range s.Providers {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}

// Clone returns a deep copy, so that callers can edit one without changing
// the other.
func (s Settings) Clone() Settings {
	c := s
	c.Extra = cloneRaw(s.Extra)
	c.Providers = make([]Provider, len(s.Providers))
	for i, p := range s.Providers {
		c.Providers[i] = p.Clone()
	}
	if s.Providers == nil {
		c.Providers = nil
	}
	c.Defaults.Params = s.Defaults.Params.Clone()
	c.Defaults.Extra = cloneRaw(s.Defaults.Extra)
	c.Appearance.Extra = cloneRaw(s.Appearance.Extra)
	return c
}

// Clone returns a deep copy of the provider.
func (p Provider) Clone() Provider {
	c := p
	if p.Headers != nil {
		c.Headers = make(map[string]string, len(p.Headers))
		for k, v := range p.Headers {
			c.Headers[k] = v
		}
	}
	c.ExtraBody = cloneRaw(p.ExtraBody)
	if p.Models != nil {
		c.Models = append([]string(nil), p.Models...)
	}
	c.Extra = cloneRaw(p.Extra)
	return c
}

func cloneRaw(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return nil
	}
	c := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		c[k] = append(json.RawMessage(nil), v...)
	}
	return c
}
