package transfer

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// writeText writes a plain-text document.
func writeText(w io.Writer, d *doc) error {
	e := &errWriter{w: w}
	title := d.title()
	e.str(title, "\n", strings.Repeat("=", max(3, utf8.RuneCountInString(title))), "\n")
	for _, kv := range d.meta() {
		e.str(kv[0], ": ", kv[1], "\n")
	}
	if d.c.SystemPrompt != nil && *d.c.SystemPrompt != "" {
		e.str("\nSystem prompt:\n", indent(*d.c.SystemPrompt))
	}
	for bi, b := range d.branches {
		if len(d.branches) > 1 {
			e.str("\n\n##### Branch ", strconv.Itoa(bi+1))
			switch {
			case bi == 0:
				e.str(" (current)")
			case b.forkAfter != nil:
				e.str(" — continues after “", excerpt(b.forkAfter), "”")
			default:
				e.str(" — a separate start")
			}
			e.str(" #####\n")
		}
		for i := range b.messages {
			m := &b.messages[i]
			label, when := messageHeading(m)
			e.str("\n--- ", label)
			if when != "" {
				e.str(", ", when)
			}
			e.str(" ---\n")
			if m.Reasoning != "" {
				e.str("[Reasoning]\n", indent(m.Reasoning), "[Answer]\n")
			}
			e.str(textContent(m.Content))
			if note := statusNote(m); note != "" {
				e.str("[", note, "]\n")
			}
		}
	}
	return e.err
}

func textContent(c conversation.Content) string {
	return partsContent(c, "", func(u string) string { return "[image: " + imageLabel(u) + "]" },
		func(a conversation.Attachment) string { return "[attachment: " + attachmentLabel(a) + "]" })
}

// imageLabel is how a plain-text export names an image: its URL, or for an
// inline data: image its type and size.
func imageLabel(u string) string {
	if strings.HasPrefix(strings.ToLower(u), "data:") {
		kind, _, _ := strings.Cut(u[5:], ";")
		kind, _, _ = strings.Cut(kind, ",")
		return "inline " + oneLine(cutBytes(kind, 40)) + ", " + strconv.Itoa(len(u)/1024) + " KB"
	}
	return oneLine(u)
}

// indent prefixes every line of s with four spaces.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString("    ")
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
