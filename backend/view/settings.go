package view

import (
	"encoding/json"
	"strings"
	"time"

	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
)

// FieldError is one problem with one field. Path names the field in the
// view (e.g. "providers[1].baseUrl", "defaults.params.topP"); Message says
// what is wrong in words a person understands.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	// Warning is true for a problem that does not stop a save.
	Warning bool `json:"warning"`
}

// Settings is what the UI edits of the settings. Unknown members of the
// settings file, and the cached model lists, are kept by SettingsView.Apply.
type Settings struct {
	Providers  []Provider `json:"providers"`
	Defaults   Defaults   `json:"defaults"`
	Appearance Appearance `json:"appearance"`
}

// Provider is one OpenAI-compatible endpoint; its key is not here (see
// KeyStatus).
type Provider struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Preset  string `json:"preset"`
	BaseURL string `json:"baseUrl"`
	Auth    string `json:"auth"`
	// Headers are extra non-secret headers sent with every request.
	Headers map[string]string `json:"headers"`
	// ExtraBody maps extra top-level request fields to their JSON text.
	ExtraBody map[string]string `json:"extraBody"`
	// Models is the model list as last fetched (read only).
	Models []string `json:"models"`
	// ModelsFetchedAt is when Models was fetched, "" if never (read only).
	ModelsFetchedAt  string `json:"modelsFetchedAt"`
	DefaultModel     string `json:"defaultModel"`
	SupportsMaxLoops bool   `json:"supportsMaxLoops"`
}

// Defaults are what new conversations use.
type Defaults struct {
	ProviderID   string `json:"providerId"`
	Model        string `json:"model"`
	Params       Params `json:"params"`
	SystemPrompt string `json:"systemPrompt"`
	// HistoryLimit is how many past messages are sent; 0 means all.
	HistoryLimit int  `json:"historyLimit"`
	Stream       bool `json:"stream"`
}

// Appearance is the look of the app.
type Appearance struct {
	Theme    string `json:"theme"`
	FontSize int    `json:"fontSize"`
}

// LoadReport says what loading the settings had to do.
type LoadReport struct {
	Missing       bool         `json:"missing"`
	CorruptPath   string       `json:"corruptPath,omitempty"`
	CorruptReason string       `json:"corruptReason,omitempty"`
	MigratedFrom  int          `json:"migratedFrom"`
	BackupPath    string       `json:"backupPath,omitempty"`
	NewerVersion  bool         `json:"newerVersion"`
	Problems      []FieldError `json:"problems"`
	Notes         []string     `json:"notes"`
}

// Preset is a kind of provider the UI can add.
type Preset struct {
	Preset           string `json:"preset"`
	ID               string `json:"id"`
	Name             string `json:"name"`
	BaseURL          string `json:"baseUrl"`
	Auth             string `json:"auth"`
	SupportsMaxLoops bool   `json:"supportsMaxLoops"`
}

// KeyStatus says whether a provider has a key, where it comes from and its
// last characters; never the key.
type KeyStatus struct {
	Set         bool   `json:"set"`
	Source      string `json:"source"`
	EnvVar      string `json:"envVar,omitempty"`
	Hint        string `json:"hint,omitempty"`
	SessionOnly bool   `json:"sessionOnly"`
	Reason      string `json:"reason,omitempty"`
}

// SettingsView is the settings with what the UI should tell about them.
type SettingsView struct {
	Settings   Settings             `json:"settings"`
	Report     LoadReport           `json:"report"`
	Presets    []Preset             `json:"presets"`
	Keys       map[string]KeyStatus `json:"keys"`
	KeyStorage KeyStorage           `json:"keyStorage"`
}

// KeyStorage says where keys are kept: the system keychain (desktop), or,
// in a browser, for the session unless the user chose to remember them on
// this device.
type KeyStorage struct {
	// Switchable is true in a browser, where the user chooses.
	Switchable bool `json:"switchable"`
	// Remembered is true when keys are stored in this browser.
	Remembered bool `json:"remembered"`
	// Warning is what to read before choosing to remember (browser only).
	Warning string `json:"warning,omitempty"`
}

// KeyStorageOf describes the key storage.
func KeyStorageOf(switchable, remembered bool) KeyStorage {
	ks := KeyStorage{Switchable: switchable, Remembered: remembered}
	if switchable {
		ks.Warning = secrets.RememberWarning
	}
	return ks
}

// Credits is a Swarms credit balance.
type Credits struct {
	Credit          float64 `json:"credit"`
	FreeCredit      float64 `json:"freeCredit"`
	ReferralCredits float64 `json:"referralCredits"`
	TotalCredits    float64 `json:"totalCredits"`
}

// RateWindow is the use of one rate-limit window.
type RateWindow struct {
	Count     int    `json:"count"`
	Limit     int    `json:"limit"`
	Exceeded  bool   `json:"exceeded"`
	Remaining int    `json:"remaining"`
	ResetTime string `json:"resetTime"`
}

// RateLimits is a Swarms rate-limit status.
type RateLimits struct {
	Minute RateWindow `json:"minute"`
	Hour   RateWindow `json:"hour"`
	Day    RateWindow `json:"day"`
	Tier   string     `json:"tier"`
}

// SettingsOf maps the settings.
func SettingsOf(s settings.Settings) Settings {
	v := Settings{Providers: make([]Provider, 0, len(s.Providers))}
	for _, p := range s.Providers {
		body := make(map[string]string, len(p.ExtraBody))
		for k, raw := range p.ExtraBody {
			body[k] = string(raw)
		}
		headers := make(map[string]string, len(p.Headers))
		for k, h := range p.Headers {
			headers[k] = h
		}
		v.Providers = append(v.Providers, Provider{
			ID: p.ID, Name: p.Name, Preset: string(p.Preset), BaseURL: p.BaseURL, Auth: string(p.Auth),
			Headers: headers, ExtraBody: body, Models: append([]string{}, p.Models...),
			ModelsFetchedAt: stamp(p.ModelsFetchedAt), DefaultModel: p.DefaultModel, SupportsMaxLoops: p.SupportsMaxLoops,
		})
	}
	d := s.Defaults
	v.Defaults = Defaults{ProviderID: d.ProviderID, Model: d.Model, Params: ParamsOf(d.Params),
		SystemPrompt: d.SystemPrompt, HistoryLimit: d.HistoryLimit, Stream: d.Stream}
	v.Appearance = Appearance{Theme: string(s.Appearance.Theme), FontSize: s.Appearance.FontSize}
	return v
}

// Apply returns base changed to what v says. What the view does not carry
// is kept from base: members of the file this version does not know, and
// each provider's cached model list (dropped when its address changed).
func (v Settings) Apply(base settings.Settings) settings.Settings {
	out := base.Clone()
	out.Providers = make([]settings.Provider, 0, len(v.Providers))
	for _, vp := range v.Providers {
		p, existed := base.Provider(vp.ID)
		p = p.Clone()
		if !existed || p.BaseURL != vp.BaseURL {
			p.Models, p.ModelsFetchedAt = nil, time.Time{}
		}
		p.ID, p.Name, p.Preset, p.BaseURL = vp.ID, vp.Name, settings.Preset(vp.Preset), vp.BaseURL
		p.Auth, p.DefaultModel, p.SupportsMaxLoops = settings.AuthStyle(vp.Auth), vp.DefaultModel, vp.SupportsMaxLoops
		p.Headers = nil
		if len(vp.Headers) > 0 {
			p.Headers = make(map[string]string, len(vp.Headers))
			for k, h := range vp.Headers {
				p.Headers[k] = h
			}
		}
		p.ExtraBody = nil
		if len(vp.ExtraBody) > 0 {
			p.ExtraBody = make(map[string]json.RawMessage, len(vp.ExtraBody))
			for k, raw := range vp.ExtraBody {
				p.ExtraBody[k] = json.RawMessage(raw) // checked by settings.Validate
			}
		}
		out.Providers = append(out.Providers, p)
	}
	d := &out.Defaults
	d.ProviderID, d.Model, d.Params = v.Defaults.ProviderID, v.Defaults.Model, v.Defaults.Params.Params()
	d.SystemPrompt, d.HistoryLimit, d.Stream = v.Defaults.SystemPrompt, v.Defaults.HistoryLimit, v.Defaults.Stream
	out.Appearance.Theme, out.Appearance.FontSize = settings.Theme(v.Appearance.Theme), v.Appearance.FontSize
	return out
}

// Provider returns the backend's form of a provider the user entered
// (without a cached model list).
func (vp Provider) Provider() settings.Provider {
	return Settings{Providers: []Provider{vp}}.Apply(settings.Settings{}).Providers[0]
}

// FieldErrorsOf maps settings problems, renaming their paths to the view's.
func FieldErrorsOf(problems []settings.FieldError) []FieldError {
	out := make([]FieldError, 0, len(problems))
	for _, p := range problems {
		out = append(out, FieldError{Path: viewPath(p.Path), Message: p.Message, Warning: p.Warning})
	}
	return out
}

// viewPath renames a settings path ("providers[1].base_url",
// "defaults.top_p") to the view's ("providers[1].baseUrl",
// "defaults.params.topP"). Header names and extra body fields, which follow
// "headers." and "extra_body.", are names the user typed and stay as they are.
func viewPath(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if i == 1 && parts[0] == "defaults" {
			if f, ok := paramFields[p]; ok {
				parts[i] = "params." + f
				break
			}
		}
		parts[i] = camel(p)
		if p == "headers" || p == "extra_body" {
			break
		}
	}
	return strings.Join(parts, ".")
}

// camel turns snake_case into camelCase, keeping an index suffix ("[1]").
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		switch {
		case r == '_':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LoadReportOf maps how the settings were loaded.
func LoadReportOf(r settings.LoadReport) LoadReport {
	return LoadReport{Missing: r.Missing, CorruptPath: r.CorruptPath, CorruptReason: r.CorruptReason,
		MigratedFrom: r.MigratedFrom, BackupPath: r.BackupPath, NewerVersion: r.NewerVersion,
		Problems: FieldErrorsOf(r.Problems), Notes: append([]string{}, r.Notes...)}
}

// PresetsOf maps the provider presets.
func PresetsOf(ps []settings.PresetInfo) []Preset {
	out := make([]Preset, 0, len(ps))
	for _, p := range ps {
		out = append(out, Preset{Preset: string(p.Preset), ID: p.ID, Name: p.Name, BaseURL: p.BaseURL,
			Auth: string(p.Auth), SupportsMaxLoops: p.SupportsMaxLoops})
	}
	return out
}

// KeyStatusOf maps a key status.
func KeyStatusOf(s secrets.Status) KeyStatus {
	return KeyStatus{Set: s.Set, Source: string(s.Source), EnvVar: s.EnvVar, Hint: s.Hint,
		SessionOnly: s.SessionOnly, Reason: s.Reason}
}

// KeyStatusesOf maps the key status of every provider.
func KeyStatusesOf(m map[string]secrets.Status) map[string]KeyStatus {
	out := make(map[string]KeyStatus, len(m))
	for id, s := range m {
		out[id] = KeyStatusOf(s)
	}
	return out
}

// CreditsOf maps a credit balance.
func CreditsOf(c *llm.Credits) Credits {
	return Credits{Credit: c.Credit, FreeCredit: c.FreeCredit, ReferralCredits: c.ReferralCredits, TotalCredits: c.TotalCredits}
}

// RateLimitsOf maps a rate-limit status.
func RateLimitsOf(r *llm.RateLimits) RateLimits {
	w := func(x llm.RateWindow) RateWindow {
		return RateWindow{Count: x.Count, Limit: x.Limit, Exceeded: x.Exceeded, Remaining: x.Remaining, ResetTime: x.ResetTime}
	}
	return RateLimits{Minute: w(r.Minute), Hour: w(r.Hour), Day: w(r.Day), Tier: r.Tier}
}
