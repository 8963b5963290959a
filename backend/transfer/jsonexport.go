package transfer

import (
	"encoding/json"
	"io"

	"murmur/backend/conversation"
)

// writeJSON writes the Murmur conversation document: indented, without the
// provider id or unknown fields (newDoc removed them).
func writeJSON(w io.Writer, d *doc) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d.c)
}

// openAIMessage is one entry of a chat-completions "messages" array.
type openAIMessage struct {
	Role    string               `json:"role"`
	Content conversation.Content `json:"content"`
}

// writeOpenAI writes the current branch as a chat-completions messages
// array: the system prompt first, then every message that has content.
// Reasoning is left out (APIs do not take it back).
func writeOpenAI(w io.Writer, d *doc) error {
	msgs := make([]openAIMessage, 0, len(d.current)+1)
	if d.c.SystemPrompt != nil && *d.c.SystemPrompt != "" {
		msgs = append(msgs, openAIMessage{Role: "system", Content: conversation.TextContent(*d.c.SystemPrompt)})
	}
	for _, m := range d.current {
		if m.Content.IsZero() {
			continue
		}
		msgs = append(msgs, openAIMessage{Role: string(m.Role), Content: m.Content})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(msgs)
}
