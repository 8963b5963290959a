package settings

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(s *Settings)
		path     string
		contains string
		warning  bool
	}{
		{"temperature above 2", func(s *Settings) { s.Defaults.Temperature = ptr(2.01) }, "defaults.temperature", "between 0 and 2", false},
		{"temperature below 0", func(s *Settings) { s.Defaults.Temperature = ptr(-0.1) }, "defaults.temperature", "between 0 and 2", false},
		{"top_p above 1", func(s *Settings) { s.Defaults.TopP = ptr(1.5) }, "defaults.top_p", "between 0 and 1", false},
		{"presence penalty", func(s *Settings) { s.Defaults.PresencePenalty = ptr(-2.5) }, "defaults.presence_penalty", "between -2 and 2", false},
		{"frequency penalty", func(s *Settings) { s.Defaults.FrequencyPenalty = ptr(2.5) }, "defaults.frequency_penalty", "between -2 and 2", false},
		{"max tokens 0", func(s *Settings) { s.Defaults.MaxTokens = ptr(0) }, "defaults.max_tokens", "at least 1", false},
		{"max loops 0", func(s *Settings) { s.Defaults.MaxLoops = ptr(0) }, "defaults.max_loops", "at least 1", false},
		{"max loops huge", func(s *Settings) { s.Defaults.MaxLoops = ptr(500) }, "defaults.max_loops", "slow and costly", true},
		{"max loops on a provider without them", func(s *Settings) {
			s.Providers = append(s.Providers, NewProvider(PresetOpenAI))
			s.Defaults.ProviderID = "openai"
			s.Defaults.MaxLoops = ptr(2)
		}, "defaults.max_loops", "OpenAI does not take max_loops", true},
		{"negative history", func(s *Settings) { s.Defaults.HistoryLimit = -1 }, "defaults.history_limit", "0 (all) or more", false},
		{"unknown default provider", func(s *Settings) { s.Defaults.ProviderID = "nope" }, "defaults.provider_id", `no provider with the id "nope"`, false},
		{"relative URL", func(s *Settings) { s.Providers[0].BaseURL = "api.example.com/v1" }, "providers[0].base_url", "not an absolute URL", false},
		{"host and port without scheme", func(s *Settings) { s.Providers[0].BaseURL = "localhost:8080/v1" }, "providers[0].base_url", "not an absolute URL", false},
		{"ftp URL", func(s *Settings) { s.Providers[0].BaseURL = "ftp://example.com/v1" }, "providers[0].base_url", "https:// or http://", false},
		{"empty URL", func(s *Settings) { s.Providers[0].BaseURL = " " }, "providers[0].base_url", "enter the base URL", false},
		{"credentials in URL", func(s *Settings) { s.Providers[0].BaseURL = "https://me:sk-secret@example.com/v1" }, "providers[0].base_url", "put keys in the keychain", false},
		{"key in query", func(s *Settings) { s.Providers[0].BaseURL = "https://example.com/v1?api_key=sk-1" }, "providers[0].base_url", "put keys in the keychain", false},
		{"other query", func(s *Settings) { s.Providers[0].BaseURL = "https://example.com/v1?x=1" }, "providers[0].base_url", "cannot have a query", false},
		{"plain http to a remote host", func(s *Settings) { s.Providers[0].BaseURL = "http://llm.example.com/v1" }, "providers[0].base_url", "travel unencrypted", true},
		{"Authorization header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"Authorization": "Bearer x"} }, "providers[0].headers.Authorization", "put keys in the keychain", false},
		{"x-api-key header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X-API-Key": "x"} }, "providers[0].headers.X-API-Key", "put keys in the keychain", false},
		{"api-key header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"api-key": "x"} }, "providers[0].headers.api-key", "put keys in the keychain", false},
		{"cookie header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"Cookie": "s=1"} }, "providers[0].headers.Cookie", "put keys in the keychain", false},
		{"token header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X-Access-Token": "t"} }, "providers[0].headers.X-Access-Token", "put keys in the keychain", false},
		{"bearer in a custom header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X-Custom": "Bearer abc"} }, "providers[0].headers.X-Custom", "looks like a key or token", false},
		{"key in a custom header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X-Org": "sk-proj-123"} }, "providers[0].headers.X-Org", "looks like a key or token", false},
		{"bad header name", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X Title": "a"} }, "providers[0].headers.X Title", "not a valid header name", false},
		{"header value with newline", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X-Title": "a\r\nX-Evil: 1"} }, "providers[0].headers.X-Title", "line breaks", false},
		{"same header twice", func(s *Settings) { s.Providers[0].Headers = map[string]string{"X-Title": "a", "x-title": "b"} }, "providers[0].headers.x-title", "also given as X-Title", false},
		{"transport header", func(s *Settings) { s.Providers[0].Headers = map[string]string{"Content-Length": "1"} }, "providers[0].headers.Content-Length", "set by Murmur itself", false},
		{"key in extra body", func(s *Settings) {
			s.Providers[0].ExtraBody = map[string]json.RawMessage{"api_key": json.RawMessage(`"sk"`)}
		}, "providers[0].extra_body.api_key", "put keys in the keychain", false},
		{"messages in extra body", func(s *Settings) {
			s.Providers[0].ExtraBody = map[string]json.RawMessage{"messages": json.RawMessage(`[]`)}
		}, "providers[0].extra_body.messages", "set by every conversation", false},
		{"invalid JSON in extra body", func(s *Settings) {
			s.Providers[0].ExtraBody = map[string]json.RawMessage{"x": json.RawMessage(`{`)}
		}, "providers[0].extra_body.x", "not valid JSON", false},
		{"key as unknown provider member", func(s *Settings) {
			s.Providers[0].Extra = map[string]json.RawMessage{"apiKey": json.RawMessage(`"sk"`)}
		}, "providers[0].apiKey", "put keys in the keychain", false},
		{"key as unknown top-level member", func(s *Settings) {
			s.Extra = map[string]json.RawMessage{"openai_token": json.RawMessage(`"sk"`)}
		}, "openai_token", "put keys in the keychain", false},
		{"duplicate id", func(s *Settings) { s.Providers = append(s.Providers, NewProvider(PresetSwarms)) }, "providers[1].id", "already used by provider 1", false},
		{"bad id", func(s *Settings) { s.Providers[0].ID = "My Provider"; s.Defaults.ProviderID = "My Provider" }, "providers[0].id", "lower-case letters", false},
		{"no name", func(s *Settings) { s.Providers[0].Name = "" }, "providers[0].name", "give the provider a name", false},
		{"unknown auth", func(s *Settings) { s.Providers[0].Auth = "basic" }, "providers[0].auth", "x-api-key, bearer or none", false},
		{"unknown preset", func(s *Settings) { s.Providers[0].Preset = "azure" }, "providers[0].preset", "unknown preset", false},
		{"empty model name", func(s *Settings) { s.Providers[0].Models = []string{"a", " "} }, "providers[0].models[1]", "empty", false},
		{"theme", func(s *Settings) { s.Appearance.Theme = "neon" }, "appearance.theme", "system, light or dark", false},
		{"font size", func(s *Settings) { s.Appearance.FontSize = 4 }, "appearance.font_size", "between 10 and 32", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Default()
			tt.edit(&s)
			problems := s.Validate()
			if len(problems) != 1 {
				t.Fatalf("problems = %v, want exactly one", problems)
			}
			p := problems[0]
			if p.Path != tt.path || !strings.Contains(p.Message, tt.contains) || p.Warning != tt.warning {
				t.Fatalf("problem = %+v, want %s %q warning=%v", p, tt.path, tt.contains, tt.warning)
			}
			if got := len(Errors(problems)) + len(Warnings(problems)); got != 1 {
				t.Fatalf("Errors+Warnings = %d", got)
			}
		})
	}
}

func TestValidBoundaries(t *testing.T) {
	s := Default()
	s.Providers = append(s.Providers, NewProvider(PresetOllama), NewProvider(PresetLMStudio))
	s.Providers[1].BaseURL = "http://localhost:11434/v1"
	s.Providers[2].BaseURL = "http://[::1]:1234/v1"
	s.Providers[0].Headers = map[string]string{"X-Title": "Murmur", "HTTP-Referer": "https://murmur.example", "OpenAI-Organization": "org-1"}
	s.Providers[0].ExtraBody = map[string]json.RawMessage{"service_tier": json.RawMessage(`"flex"`)}
	s.Defaults.Temperature, s.Defaults.TopP = ptr(2.0), ptr(0.0)
	s.Defaults.PresencePenalty, s.Defaults.FrequencyPenalty = ptr(-2.0), ptr(2.0)
	s.Defaults.MaxTokens, s.Defaults.MaxLoops = ptr(1), ptr(1)
	s.Appearance.FontSize = MaxFontSize
	if p := s.Validate(); len(p) != 0 {
		t.Fatalf("valid edge values refused: %v", p)
	}
}

func TestValidationErrorListsProblems(t *testing.T) {
	s := Default()
	s.Defaults.Temperature = ptr(9.0)
	s.Defaults.TopP = ptr(9.0)
	s.Providers[0].BaseURL = "http://remote.example/v1" // a warning only
	err := &ValidationError{Problems: s.Validate()}
	msg := err.Error()
	if !strings.Contains(msg, "2 problem(s)") || !strings.Contains(msg, "defaults.temperature") || !strings.Contains(msg, "defaults.top_p") {
		t.Fatalf("%q", msg)
	}
	if strings.Contains(msg, "unencrypted") {
		t.Fatalf("warnings counted as errors: %q", msg)
	}
}
