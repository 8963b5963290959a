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
			e.str(markdownContent(m.Content, d.inZip))
			if note := statusNote(m); note != "" {
				e.str("\n*", mdEscape(note), "*\n")
			}
		}
	}
	return e.err
}

// markdownContent renders message content: its text, images as Markdown
// images, attachments by name (in a zip, linked to their file beside it).
func markdownContent(c conversation.Content, inZip bool) string {
	return partsContent(c, "\n", func(u string) string { return "![image](<" + mdURL(u) + ">)" },
		func(a conversation.Attachment) string {
			if inZip && conversation.ValidAttachmentID(a.ID) {
				return "📎 [" + mdEscape(attachmentLabel(a)) + "](" + attachmentPath(a.ID) + ")"
			}
			return "📎 " + mdEscape(attachmentLabel(a))
		})
}

// attachmentLabel names an attachment for a reader: "photo.png (image/png,
// 12 KB)".
func attachmentLabel(a conversation.Attachment) string {
	return oneLine(a.Name) + " (" + oneLine(a.MIME) + ", " + humanBytes(a.Size) + ")"
}

// attachmentPath is where ExportZip puts an attachment's file.
func attachmentPath(id string) string { return "attachments/" + id }

// partsContent renders content as its text, or its parts one after another
// with between between them and each image as image(url) and each
// attachment as attachment(a) on a line.
func partsContent(c conversation.Content, between string, image func(url string) string, attachment func(conversation.Attachment) string) string {
	if c.Parts == nil {
		return ensureNL(c.Text)
	}
	var b strings.Builder
	for i, p := range c.Parts {
		if i > 0 {
			b.WriteString(between)
		}
		switch p.Type {
		case conversation.PartText:
			b.WriteString(ensureNL(p.Text))
		case conversation.PartImageURL:
			if p.ImageURL != nil {
				b.WriteString(image(p.ImageURL.URL) + "\n")
			}
		case conversation.PartAttachment:
			if p.Attachment != nil {
				b.WriteString(attachment(*p.Attachment) + "\n")
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
