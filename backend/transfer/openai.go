package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// fromOpenAIBody reads an object with a "messages" array (a chat-completions
// request body). Only "model" and "messages" are read; everything else
// (keys, URLs, tools, parameters) is ignored.
func (im *importer) fromOpenAIBody(val []byte) (built, error) {
	var body struct {
		Model    json.RawMessage   `json:"model"`
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(val, &body); err != nil {
		return built{}, errors.New(jsonProblem(err))
	}
	var model string
	_ = json.Unmarshal(body.Model, &model)
	b, err := im.fromOpenAI(body.Messages, model)
	if err == nil && !utf8.Valid(val) {
		b.notes = append([]string{noteInvalidUTF8}, b.notes...)
	}
	return b, err
}

// fromOpenAI builds a conversation from the elements of a messages array.
// Leading system (or developer) messages become the system prompt; tool
// messages and tool calls are left out with a note; any other unknown role
// rejects the conversation.
func (im *importer) fromOpenAI(elems []json.RawMessage, model string) (built, error) {
	if len(elems) > conversation.MaxMessages {
		return built{}, fmt.Errorf("%d messages is more than the %d a conversation may hold", len(elems), conversation.MaxMessages)
	}
	now := im.now().UTC()
	c := conversation.New(now)
	c.Model = oneLine(cutBytes(model, 200))
	var notes []string
	var system []string
	tools, toolCalls, dropped, invalid := 0, 0, 0, false
	parent := ""
	for i, raw := range elems {
		if !utf8.Valid(raw) {
			invalid = true
		}
		var m struct {
			Role             json.RawMessage `json:"role"`
			Content          json.RawMessage `json:"content"`
			ReasoningContent *string         `json:"reasoning_content"`
			Reasoning        json.RawMessage `json:"reasoning"`
			ToolCalls        json.RawMessage `json:"tool_calls"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return built{}, fmt.Errorf("message %d: %s", i+1, jsonProblem(err))
		}
		var role string
		if err := json.Unmarshal(m.Role, &role); err != nil || m.Role == nil {
			return built{}, fmt.Errorf("message %d has no role (or a role that is not text)", i+1)
		}
		var content conversation.Content
		if err := json.Unmarshal(m.Content, &content); err != nil && m.Content != nil {
			return built{}, fmt.Errorf("message %d: content: %s", i+1, jsonProblem(err))
		}
		content, n := keepKnownParts(content)
		dropped += n
		switch role {
		case "system", "developer":
			if parent == "" {
				if t := content.PlainText(); t != "" {
					system = append(system, t)
				}
				continue
			}
			role = string(conversation.RoleSystem)
		case "user", "assistant":
		case "tool", "function":
			tools++
			continue
		default:
			return built{}, fmt.Errorf("message %d has unknown role %q", i+1, displayName(cutBytes(role, 30)))
		}
		reasoning := ""
		if m.ReasoningContent != nil {
			reasoning = *m.ReasoningContent
		} else if len(m.Reasoning) > 0 && m.Reasoning[0] == '"' {
			_ = json.Unmarshal(m.Reasoning, &reasoning)
		}
		if content.IsZero() || (content.Parts != nil && len(content.Parts) == 0) {
			if len(m.ToolCalls) > 0 && string(m.ToolCalls) != "null" {
				toolCalls++
			} else {
				dropped++
			}
			continue
		}
		msg := conversation.Message{
			ID: conversation.NewID(), ParentID: parent, Role: conversation.Role(role),
			Content: content, Reasoning: reasoning, Status: conversation.StatusComplete, CreatedAt: now,
		}
		if msg.Role == conversation.RoleAssistant {
			msg.Model = c.Model
		}
		c.Messages = append(c.Messages, msg)
		parent = msg.ID
	}
	if len(system) > 0 {
		s := strings.Join(system, "\n\n")
		c.SystemPrompt = &s
	}
	if parent == "" {
		return built{}, errors.New("it holds no user or assistant messages")
	}
	c.CurrentID = parent
	c.Title = titleFrom(c.Messages)
	if invalid {
		notes = append(notes, noteInvalidUTF8)
	}
	if tools+toolCalls > 0 {
		notes = append(notes, fmt.Sprintf("%d tool %s and tool %s left out", tools+toolCalls, plural(tools+toolCalls, "message", "messages"), "calls"))
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d empty or unsupported %s left out", dropped, plural(dropped, "part", "parts")))
	}
	return built{c: c, notes: notes, title: c.Title}, nil
}

// keepKnownParts keeps the content parts Murmur stores (text, and images
// with a URL) and returns how many others it dropped. Text parts of the
// Responses API ("input_text", "output_text") become text parts.
func keepKnownParts(c conversation.Content) (conversation.Content, int) {
	if c.Parts == nil {
		return c, 0
	}
	kept := make([]conversation.Part, 0, len(c.Parts))
	dropped := 0
	for _, p := range c.Parts {
		switch p.Type {
		case "text", "input_text", "output_text":
			if p.Text != "" {
				kept = append(kept, conversation.Part{Type: "text", Text: p.Text})
				continue
			}
		case "image_url":
			if p.ImageURL != nil && p.ImageURL.URL != "" {
				kept = append(kept, conversation.Part{Type: "image_url", ImageURL: &conversation.ImageURL{URL: p.ImageURL.URL, Detail: p.ImageURL.Detail}})
				continue
			}
		}
		dropped++
	}
	if len(kept) == 1 && kept[0].Type == "text" {
		return conversation.TextContent(kept[0].Text), dropped
	}
	return conversation.Content{Parts: kept}, dropped
}

// titleFrom makes a title from the first user message: its first line, cut
// to 80 bytes.
func titleFrom(ms []conversation.Message) string {
	for i := range ms {
		if ms[i].Role != conversation.RoleUser {
			continue
		}
		t := strings.Join(strings.Fields(ms[i].Content.PlainText()), " ")
		t = oneLine(t)
		if len(t) > 80 {
			t = strings.TrimSpace(cutBytes(t, 80)) + "…"
		}
		if t != "" {
			return t
		}
	}
	return "Imported conversation"
}
