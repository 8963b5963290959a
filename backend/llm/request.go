package llm

import (
	"bytes"
	"encoding/json"
	"fmt"

	"murmur/backend/conversation"
)

// Roles of chat messages.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one chat message of a request. Content is a string, or an
// array of content parts (text and image_url).
type Message struct {
	Role    string               `json:"role"`
	Content conversation.Content `json:"content"`
	Name    string               `json:"name,omitempty"`
}

// TextMessage returns a message with plain text content.
func TextMessage(role, text string) Message {
	return Message{Role: role, Content: conversation.TextContent(text)}
}

// StreamOptions are the OpenAI stream options.
type StreamOptions struct {
	// IncludeUsage asks for a last chunk with the token usage.
	IncludeUsage bool `json:"include_usage"`
}

// Request is a chat-completions request. Every optional field is a pointer:
// nil means "not set" and the field is not sent, so the server default applies.
type Request struct {
	Model               string         `json:"model"`
	Messages            []Message      `json:"messages"`
	Temperature         *float64       `json:"temperature,omitempty"`
	TopP                *float64       `json:"top_p,omitempty"`
	N                   *int           `json:"n,omitempty"`
	Stream              *bool          `json:"stream,omitempty"`
	StreamOptions       *StreamOptions `json:"stream_options,omitempty"`
	MaxTokens           *int           `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int           `json:"max_completion_tokens,omitempty"`
	PresencePenalty     *float64       `json:"presence_penalty,omitempty"`
	FrequencyPenalty    *float64       `json:"frequency_penalty,omitempty"`
	User                *string        `json:"user,omitempty"`
	// MaxLoops is the Swarms extension: how many reasoning loops the agent runs.
	MaxLoops *int `json:"max_loops,omitempty"`
}

// Ptr returns a pointer to v, for the optional fields of Request.
func Ptr[T any](v T) *T { return &v }

// validate reports a request that no server would accept, before sending it.
func (r *Request) validate() error {
	if r == nil {
		return configError("there is no request to send")
	}
	if r.Model == "" {
		return configError("no model is selected")
	}
	if len(r.Messages) == 0 {
		return configError("the request has no messages")
	}
	for i, m := range r.Messages {
		switch m.Role {
		case RoleSystem, RoleUser, RoleAssistant, "developer", "tool":
		default:
			return configError(fmt.Sprintf("message %d has an unknown role %q", i+1, m.Role))
		}
	}
	return nil
}

// body marshals the request with stream set as given, merging the provider's
// extra body fields underneath the request's own fields.
func (r *Request) body(stream bool, extra map[string]json.RawMessage) ([]byte, error) {
	cp := *r
	if stream {
		cp.Stream = Ptr(true)
	} else if cp.Stream != nil && *cp.Stream {
		cp.Stream = Ptr(false)
	}
	b, err := json.Marshal(&cp)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	if len(extra) == 0 {
		return b, nil
	}
	var own map[string]json.RawMessage
	if err := json.Unmarshal(b, &own); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	merged := make(map[string]json.RawMessage, len(own)+len(extra))
	for k, v := range extra {
		if !json.Valid(v) {
			return nil, configError(fmt.Sprintf("the provider's extra body field %q is not valid JSON", k))
		}
		merged[k] = v
	}
	for k, v := range own {
		merged[k] = v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(merged); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
