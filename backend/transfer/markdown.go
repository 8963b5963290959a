package transfer

import (
	"io"
	"strconv"
	"strings"

	"murmur/backend/conversation"
)

// writeMarkdown writes a Markdown document. Message text is Markdown
// already and is written as it is; the title and labels, which are plain
// text, are escaped.
func writeMarkdown(w io.Writer, d *doc) error {
	e := &errWriter{w: w}
	e.str("# ", mdEscape(d.title()), "\n\n")
	for _, kv := range d.meta() {
		e.str("- **", kv[0], ":** ", mdEscape(kv[1]), "\n")
	}
	if d.c.SystemPrompt != nil && *d.c.SystemPrompt != "" {
		e.str("\n## System prompt\n\n", ensureNL(*d.c.SystemPrompt))
	}
	for bi, b := range d.branches {
		if len(d.branches) > 1 {
			e.str("\n---\n\n## Branch ", strconv.Itoa(bi+1))
			switch {
			case bi == 0:
				e.str(" (current)")
			case b.forkAfter != nil:
				e.str(" — continues after “", mdEscape(excerpt(b.forkAfter)), "”")
			default:
				e.str(" — a separate start")
			}
			e.str("\n")
		}
		for i := range b.messages {
			m := &b.messages[i]
			label, when := messageHeading(m)
			e.str("\n---\n\n### ", mdEscape(label))
			if when != "" {
				e.str(" · ", when)
			}
			e.str("\n\n")
			if m.Reasoning != "" {
				e.str("> **Reasoning**\n>\n", quoteLines(m.Reasoning), "\n")
			}
			e.str(markdownContent(m.Content))
			if note := statusNote(m); note != "" {
				e.str("\n*", mdEscape(note), "*\n")
			}
		}
	}
	return e.err
}

// markdownContent renders message content: its text, and images as
// Markdown images.
func markdownContent(c conversation.Content) string {
	return partsContent(c, "\n", func(u string) string { return "![image](<" + mdURL(u) + ">)" })
}

// partsContent renders content as its text, or its parts one after another
// with between between them and each image as image(url) on a line.
func partsContent(c conversation.Content, between string, image func(url string) string) string {
	if c.Parts == nil {
		return ensureNL(c.Text)
	}
	var b strings.Builder
	for i, p := range c.Parts {
		if i > 0 {
			b.WriteString(between)
		}
		switch p.Type {
		case "text":
			b.WriteString(ensureNL(p.Text))
		case "image_url":
			if p.ImageURL != nil {
				b.WriteString(image(p.ImageURL.URL) + "\n")
			}
		}
	}
	return b.String()
}

// ensureNL returns s ending in exactly one newline ("" stays "").
func ensureNL(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}

// quoteLines prefixes every line of s with "> ".
func quoteLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + l + "\n")
	}
	return b.String()
}

// mdEscape escapes the characters that would make plain text Markdown.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|~!&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdURL percent-encodes the characters that would end a <…> link
// destination.
func mdURL(u string) string {
	r := strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "%0A", "\r", "%0D", " ", "%20")
	return r.Replace(u)
}
