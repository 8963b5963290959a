package transfer

import (
	"encoding/base64"
	"encoding/json"
	"io"

	"murmur/backend/conversation"
)

// writeJSON writes the Murmur conversation document: indented, without the
// provider id or unknown fields (newDoc removed them). With an attachment
// source and outside a zip, the attachments travel inside it (the
// "attachments" member, base64), so that one file is the whole backup.
func writeJSON(w io.Writer, d *doc) error {
	c := d.c
	if atts := d.attachments(); len(atts) > 0 && d.att != nil && !d.inZip {
		list := make([]embeddedAttachment, 0, len(atts))
		for _, a := range atts {
			data, err := d.attachment(a)
			if err != nil {
				return err
			}
			list = append(list, embeddedAttachment{ID: a.ID, Name: a.Name, MIME: a.MIME, Size: int64(len(data)), Data: data})
		}
		raw, err := json.Marshal(list)
		if err != nil {
			return err
		}
		c.Extra = map[string]json.RawMessage{embeddedMember: raw}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
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
		msgs = append(msgs, openAIMessage{Role: string(m.Role), Content: d.sendable(m.Content)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(msgs)
}

// sendable makes content an API takes: attached images become data: URLs
// (when they can be read), other attachments a line naming them.
func (d *doc) sendable(c conversation.Content) conversation.Content {
	if len(c.Attachments()) == 0 {
		return c
	}
	parts := make([]conversation.Part, 0, len(c.Parts))
	for _, p := range c.Parts {
		if p.Type != conversation.PartAttachment || p.Attachment == nil {
			parts = append(parts, p)
			continue
		}
		a := *p.Attachment
		if isRasterImage(a.MIME) {
			if data, err := d.attachment(a); err == nil {
				parts = append(parts, conversation.Part{Type: conversation.PartImageURL,
					ImageURL: &conversation.ImageURL{URL: "data:" + a.MIME + ";base64," + base64.StdEncoding.EncodeToString(data)}})
				continue
			}
		}
		parts = append(parts, conversation.Part{Type: conversation.PartText, Text: "[attachment: " + attachmentLabel(a) + "]"})
	}
	return conversation.Content{Parts: parts}
}
