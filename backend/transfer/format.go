package transfer

import (
	"fmt"
	"strings"
)

// Format is an export format.
type Format string

// The export formats.
const (
	// FormatMarkdown is a Markdown document: a header with title, model and
	// dates, one section per message, reasoning kept apart.
	FormatMarkdown Format = "markdown"
	// FormatJSON is the Murmur conversation document (backend/conversation),
	// re-importable.
	FormatJSON Format = "json"
	// FormatHTML is one self-contained, script-free HTML file.
	FormatHTML Format = "html"
	// FormatText is plain text.
	FormatText Format = "text"
	// FormatOpenAI is an OpenAI chat-completions "messages" array of the
	// current branch, ready to send to an API. It is always the current
	// branch: Options.AllBranches does not apply.
	FormatOpenAI Format = "openai"
)

// Formats lists every export format, in the order a UI should offer them.
func Formats() []Format {
	return []Format{FormatMarkdown, FormatJSON, FormatHTML, FormatText, FormatOpenAI}
}

// ParseFormat returns the format named s (case-insensitive; "md", "txt" and
// "htm" are accepted too).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "markdown", "md":
		return FormatMarkdown, nil
	case "json", "murmur":
		return FormatJSON, nil
	case "html", "htm":
		return FormatHTML, nil
	case "text", "txt", "plain":
		return FormatText, nil
	case "openai", "messages":
		return FormatOpenAI, nil
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "", fmt.Errorf("unknown export format %q (want markdown, json, html, text or openai)", s)
}

// Ext returns the file name extension of the format, with its dot.
func (f Format) Ext() string {
	switch f {
	case FormatMarkdown:
		return ".md"
	case FormatJSON:
		return ".json"
	case FormatHTML:
		return ".html"
	case FormatText:
		return ".txt"
	case FormatOpenAI:
		return ".openai.json"
	}
	return ""
}

// MIMEType returns the media type of a file in the format.
func (f Format) MIMEType() string {
	switch f {
	case FormatMarkdown:
		return "text/markdown; charset=utf-8"
	case FormatJSON, FormatOpenAI:
		return "application/json"
	case FormatHTML:
		return "text/html; charset=utf-8"
	case FormatText:
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func (f Format) valid() bool { return f.Ext() != "" }
