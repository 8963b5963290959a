package conversation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The types a content part may have.
const (
	PartText       = "text"
	PartImageURL   = "image_url"
	PartAttachment = "attachment"
)

// Part is one piece of multi-part content (OpenAI content parts, plus
// Murmur's own "attachment" part).
type Part struct {
	Type       string      `json:"type"`
	Text       string      `json:"text,omitempty"`
	ImageURL   *ImageURL   `json:"image_url,omitempty"`
	Attachment *Attachment `json:"attachment,omitempty"`
}

// ImageURL is the image of an "image_url" part.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

// Content is a message body: plain text, or a list of parts. It is written
// as a JSON string when it has no parts, otherwise as the parts array.
type Content struct {
	Text  string
	Parts []Part
}

// TextContent returns content holding plain text.
func TextContent(s string) Content { return Content{Text: s} }

// PlainText returns the text of the content: the text itself, or the text
// parts joined by blank lines. Images and attachments are not text: they are
// left out (so that the search index does not grow with them).
func (c Content) PlainText() string {
	if c.Parts == nil {
		return c.Text
	}
	var texts []string
	for _, p := range c.Parts {
		if p.Type == PartText && p.Text != "" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n\n")
}

// Attachments returns the attachments the content refers to, in order; nil
// when there are none.
func (c Content) Attachments() []Attachment {
	var out []Attachment
	for _, p := range c.Parts {
		if p.Type == PartAttachment && p.Attachment != nil {
			out = append(out, *p.Attachment)
		}
	}
	return out
}

// IsZero reports whether the content has neither text nor parts.
func (c Content) IsZero() bool { return c.Text == "" && len(c.Parts) == 0 }

// MarshalJSON writes a string, or the parts array.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Parts != nil {
		return json.Marshal(c.Parts)
	}
	return json.Marshal(c.Text)
}

// UnmarshalJSON reads a string, null, or an array of parts.
func (c *Content) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*c = Content{}
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = Content{Text: s}
		return nil
	case b[0] == '[':
		var parts []Part
		if err := json.Unmarshal(b, &parts); err != nil {
			return fmt.Errorf("content parts: %w", err)
		}
		if parts == nil {
			parts = []Part{}
		}
		*c = Content{Parts: parts}
		return nil
	}
	return errors.New("content must be a string, null or an array of parts")
}

func (c Content) validate() error {
	if !utf8.ValidString(c.Text) {
		return errors.New("content is not valid UTF-8")
	}
	for i, p := range c.Parts {
		switch p.Type {
		case PartText:
			if !utf8.ValidString(p.Text) {
				return fmt.Errorf("content part %d is not valid UTF-8", i)
			}
		case PartImageURL:
			if p.ImageURL == nil || p.ImageURL.URL == "" {
				return fmt.Errorf("content part %d is an image without a URL", i)
			}
		case PartAttachment:
			if p.Attachment == nil {
				return fmt.Errorf("content part %d is an attachment part without an attachment", i)
			}
			if err := p.Attachment.validate(); err != nil {
				return fmt.Errorf("content part %d: %w", i, err)
			}
		default:
			return fmt.Errorf("content part %d has unknown type %q", i, truncate(p.Type, 30))
		}
	}
	return nil
}
