package settings

// PresetInfo describes a preset for the "add provider" UI.
type PresetInfo struct {
	Preset           Preset    `json:"preset"`
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	BaseURL          string    `json:"base_url"`
	Auth             AuthStyle `json:"auth"`
	SupportsMaxLoops bool      `json:"supports_max_loops"`
}

// presets is an immutable table; Presets returns a copy.
var presets = [...]PresetInfo{
	{PresetSwarms, "swarms", "Swarms", "https://api.swarms.world/v1", AuthXAPIKey, true},
	{PresetOpenAI, "openai", "OpenAI", "https://api.openai.com/v1", AuthBearer, false},
	{PresetOpenRouter, "openrouter", "OpenRouter", "https://openrouter.ai/api/v1", AuthBearer, false},
	{PresetOllama, "ollama", "Ollama", "http://127.0.0.1:11434/v1", AuthNone, false},
	{PresetLMStudio, "lmstudio", "LM Studio", "http://127.0.0.1:1234/v1", AuthNone, false},
	{PresetCustom, "custom", "Custom", "", AuthBearer, false},
}

// Presets returns the known presets, Swarms first.
func Presets() []PresetInfo {
	out := make([]PresetInfo, len(presets))
	copy(out[:], presets[:])
	return out
}

// LookupPreset returns the preset with the given name.
func LookupPreset(p Preset) (PresetInfo, bool) {
	for _, info := range presets {
		if info.Preset == p {
			return info, true
		}
	}
	return PresetInfo{}, false
}

// NewProvider returns a provider filled from a preset, with the preset's id.
// An unknown preset gives a custom provider. The custom preset has no base
// URL: the user must enter one.
func NewProvider(p Preset) Provider {
	info, ok := LookupPreset(p)
	if !ok {
		info, _ = LookupPreset(PresetCustom)
	}
	return Provider{
		ID:               info.ID,
		Name:             info.Name,
		Preset:           info.Preset,
		BaseURL:          info.BaseURL,
		Auth:             info.Auth,
		SupportsMaxLoops: info.SupportsMaxLoops,
	}
}
