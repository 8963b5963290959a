package settings

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"murmur/backend/jsonmembers"
)

// Version 0 is the shape of the first builds: no "version" member, a single
// provider object, and the defaults and appearance as flat top-level members:
//
//	{
//	  "provider": {"name": "Swarms", "base_url": "https://api.swarms.world",
//	               "model": "gpt-4o-mini", "headers": {"X-Title": "Murmur"}},
//	  "temperature": 0.7, "top_p": 1, "max_tokens": 2048,
//	  "system_prompt": "Be brief.", "stream": true, "history": 20,
//	  "theme": "dark", "font_size": 14
//	}
//
// Members it does not declare are kept (as Extra of the settings or of the
// provider); members whose names look like credentials are not carried over.
type v0Doc struct {
	Provider     *v0Provider `json:"provider"`
	Temperature  *float64    `json:"temperature"`
	TopP         *float64    `json:"top_p"`
	MaxTokens    *int        `json:"max_tokens"`
	SystemPrompt string      `json:"system_prompt"`
	Stream       *bool       `json:"stream"`
	History      *int        `json:"history"`
	Theme        string      `json:"theme"`
	FontSize     int         `json:"font_size"`
}

type v0Provider struct {
	Name    string            `json:"name"`
	BaseURL string            `json:"base_url"`
	Model   string            `json:"model"`
	Headers map[string]string `json:"headers"`
}

// migrateV0 turns a version 0 document into current settings.
func migrateV0(data []byte) (Settings, error) {
	var doc v0Doc
	if err := json.Unmarshal(data, &doc); err != nil {
		return Settings{}, fmt.Errorf("%s", describeJSONError(data, err))
	}
	s := Default()
	extra, err := jsonmembers.Unknown(data, doc)
	if err != nil {
		return Settings{}, err
	}
	// Members that are neither version 0 nor representable in the current
	// shape (a member named like a current one) stay in the backup only.
	s.Extra = withoutNames(withoutSecrets(extra), jsonmembers.Names(settingsJSON{}))
	if doc.Provider != nil {
		raw, _ := rawMember(data, "provider")
		pextra, err := jsonmembers.Unknown(raw, *doc.Provider)
		if err != nil {
			return Settings{}, fmt.Errorf("the provider is not an object: %w", err)
		}
		p := providerFromV0(*doc.Provider)
		p.Extra = withoutNames(withoutSecrets(pextra), jsonmembers.Names(providerJSON{}))
		s.Providers = []Provider{p}
		s.Defaults.ProviderID = p.ID
		s.Defaults.Model = p.DefaultModel
	}
	s.Defaults.Temperature = doc.Temperature
	s.Defaults.TopP = doc.TopP
	s.Defaults.MaxTokens = doc.MaxTokens
	s.Defaults.SystemPrompt = doc.SystemPrompt
	if doc.Stream != nil {
		s.Defaults.Stream = *doc.Stream
	}
	if doc.History != nil {
		s.Defaults.HistoryLimit = *doc.History
	}
	if doc.Theme != "" {
		s.Appearance.Theme = Theme(strings.ToLower(doc.Theme))
	}
	if doc.FontSize != 0 {
		s.Appearance.FontSize = doc.FontSize
	}
	return s, nil
}

// providerFromV0 recognises the preset from the base URL.
func providerFromV0(v v0Provider) Provider {
	preset := PresetCustom
	if u, err := url.Parse(strings.TrimSpace(v.BaseURL)); err == nil {
		host, port := strings.ToLower(u.Hostname()), u.Port()
		switch {
		case host == "api.swarms.world":
			preset = PresetSwarms
		case host == "api.openai.com":
			preset = PresetOpenAI
		case host == "openrouter.ai":
			preset = PresetOpenRouter
		case isLoopback(host) && port == "11434":
			preset = PresetOllama
		case isLoopback(host) && port == "1234":
			preset = PresetLMStudio
		}
	}
	p := NewProvider(preset)
	p.BaseURL = strings.TrimSpace(v.BaseURL)
	if strings.TrimSpace(v.Name) != "" {
		p.Name = strings.TrimSpace(v.Name)
	}
	p.DefaultModel = strings.TrimSpace(v.Model)
	if len(v.Headers) > 0 {
		p.Headers = make(map[string]string, len(v.Headers))
		for k, val := range v.Headers {
			if !IsSecretName(k) {
				p.Headers[k] = val
			}
		}
	}
	return p
}

// withoutSecrets drops members whose names look like credentials.
func withoutSecrets(m map[string]json.RawMessage) map[string]json.RawMessage {
	for k := range m {
		if IsSecretName(k) {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// withoutNames drops the members named in names.
func withoutNames(m map[string]json.RawMessage, names map[string]bool) map[string]json.RawMessage {
	for k := range m {
		if names[k] {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// droppedSecrets lists the credential-like members of a version 0 document
// that migrateV0 does not carry over.
func droppedSecrets(data []byte) []string {
	var out []string
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	declared := jsonmembers.Names(v0Doc{})
	for k := range top {
		if !declared[k] && IsSecretName(k) {
			out = append(out, fmt.Sprintf("%q", k))
		}
	}
	var prov map[string]json.RawMessage
	if raw, ok := top["provider"]; ok && json.Unmarshal(raw, &prov) == nil {
		pdeclared := jsonmembers.Names(v0Provider{})
		for k := range prov {
			if !pdeclared[k] && IsSecretName(k) {
				out = append(out, fmt.Sprintf("provider %q", k))
			}
		}
		var hdr struct {
			Headers map[string]string `json:"headers"`
		}
		if json.Unmarshal(raw, &hdr) == nil {
			for k := range hdr.Headers {
				if IsSecretName(k) {
					out = append(out, fmt.Sprintf("the %s header", k))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
