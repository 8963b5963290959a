// Package attachments decides which files can go with a message and how they
// reach a model: images (PNG, JPEG, GIF, WebP) as image_url parts with a
// data URI, text and code as a fenced block under the file's name. It looks
// at the bytes, never at the name alone, and refuses the rest with a reason
// a person understands. The files themselves are kept by the store.
package attachments

import (
	"context"
	"encoding/base64"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// Kind is how an attachment is sent.
type Kind string

// The kinds of attachment.
const (
	KindImage Kind = "image" // an image_url part (the model must see images)
	KindText  Kind = "text"  // a fenced block in the prompt
)

// Limits of what can be attached.
const (
	// MaxImageBytes is the largest image the common providers accept.
	MaxImageBytes = 20 << 20
	// MaxTextBytes bounds a text file put into the prompt.
	MaxTextBytes = 1 << 20
	// MaxPerMessage bounds the attachments of one message.
	MaxPerMessage = 10
	// MaxBytes is the most a shell should read of a file before Classify.
	MaxBytes = MaxImageBytes
)

// images are the image types providers accept in image_url parts.
var images = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Error says why a file cannot be attached.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

func refuse(format string, args ...any) error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// KindOf says how an attachment of media type mime is sent.
func KindOf(mime string) Kind {
	if images[mime] {
		return KindImage
	}
	return KindText
}

// Classify decides whether a file named name with these bytes can be
// attached, and returns the media type to keep with it.
func Classify(name string, data []byte) (string, error) {
	if err := conversation.ValidAttachmentName(name); err != nil {
		return "", refuse("%s", err.Error())
	}
	if len(data) == 0 {
		return "", refuse("%s is empty", name)
	}
	sniffed := sniff(data)
	switch {
	case images[sniffed]:
		if len(data) > MaxImageBytes {
			return "", refuse("%s is %s; images can be at most %s", name, size(len(data)), size(MaxImageBytes))
		}
		return sniffed, nil
	case sniffed == "application/pdf":
		return "", refuse("%s is a PDF: PDF is not supported yet. Copy its text into the message, or attach the text as a .txt file", name)
	case isText(data):
		if len(data) > MaxTextBytes {
			return "", refuse("%s is %s; text files can be at most %s", name, size(len(data)), size(MaxTextBytes))
		}
		return textMIME(name), nil
	case strings.HasPrefix(sniffed, "image/"):
		return "", refuse("%s is an image in a format models do not take (%s); use PNG, JPEG, GIF or WebP", name, sniffed)
	}
	return "", refuse("%s is not a text file or an image Murmur can send (PNG, JPEG, GIF or WebP)", name)
}

// isText reports whether data is UTF-8 text (a BOM allowed) without NUL bytes.
func isText(data []byte) bool {
	return utf8.Valid(data) && !strings.ContainsRune(string(data), 0)
}

// textTypes names the media types of common text files by extension; the
// rest is text/plain.
var textTypes = map[string]string{
	".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv", ".tsv": "text/tab-separated-values",
	".html": "text/html", ".htm": "text/html", ".css": "text/css", ".xml": "application/xml", ".svg": "image/svg+xml",
	".json": "application/json", ".yaml": "application/yaml", ".yml": "application/yaml", ".toml": "application/toml",
	".js": "text/javascript", ".mjs": "text/javascript", ".ts": "text/x-typescript", ".py": "text/x-python",
	".go": "text/x-go", ".rs": "text/x-rust", ".c": "text/x-c", ".h": "text/x-c", ".cpp": "text/x-c++",
	".java": "text/x-java", ".sh": "text/x-shellscript", ".sql": "application/sql",
}

func textMIME(name string) string {
	if t, ok := textTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "text/plain"
}

// languages are the fence labels of common extensions.
var languages = map[string]string{
	".py": "python", ".go": "go", ".js": "javascript", ".mjs": "javascript", ".ts": "typescript", ".tsx": "tsx",
	".jsx": "jsx", ".rs": "rust", ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".hpp": "cpp", ".java": "java",
	".kt": "kotlin", ".rb": "ruby", ".php": "php", ".cs": "csharp", ".swift": "swift", ".sh": "bash", ".bash": "bash",
	".zsh": "bash", ".sql": "sql", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".xml": "xml",
	".svg": "xml", ".html": "html", ".htm": "html", ".css": "css", ".md": "markdown", ".csv": "csv",
}

// RequestPart is how attachment a, with its bytes, is sent to a model.
func RequestPart(a conversation.Attachment, data []byte) conversation.Part {
	if KindOf(a.MIME) == KindImage {
		uri := "data:" + a.MIME + ";base64," + base64.StdEncoding.EncodeToString(data)
		return conversation.Part{Type: conversation.PartImageURL, ImageURL: &conversation.ImageURL{URL: uri}}
	}
	return conversation.Part{Type: conversation.PartText, Text: Fence(a.Name, string(data))}
}

// Fence puts text in a fenced code block headed by its file name, with a
// fence longer than any run of backticks inside so the text cannot end it.
func Fence(name, text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	lang := languages[strings.ToLower(path.Ext(name))]
	text = strings.TrimPrefix(text, "\uFEFF")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return name + ":\n\n" + fence + lang + "\n" + text + fence
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Store keeps attachment files (the conversation store).
type Store interface {
	PutAttachment(ctx context.Context, name, mime string, data []byte) (conversation.Attachment, error)
	Attachment(ctx context.Context, id string) ([]byte, error)
}

// Keep classifies a file the user attached and keeps it.
func Keep(ctx context.Context, st Store, name string, data []byte) (conversation.Attachment, error) {
	mime, err := Classify(name, data)
	if err != nil {
		return conversation.Attachment{}, err
	}
	return st.PutAttachment(ctx, name, mime, data)
}

// Ref names a kept attachment as the UI holds it.
type Ref struct{ ID, Name string }

// Resolve turns the attachments of a prompt, as the UI names them, into the
// references a message keeps. Each must be kept already; its media type and
// size come from its bytes, never from the UI.
func Resolve(ctx context.Context, st Store, refs []Ref) ([]conversation.Attachment, error) {
	if len(refs) > MaxPerMessage {
		return nil, refuse("a message can have at most %d attachments, not %d", MaxPerMessage, len(refs))
	}
	out := make([]conversation.Attachment, 0, len(refs))
	for _, r := range refs {
		if !conversation.ValidAttachmentID(r.ID) {
			return nil, refuse("%q is not an attachment id", r.ID)
		}
		data, err := st.Attachment(ctx, r.ID)
		if err != nil {
			return nil, refuse("the attachment %s can no longer be read (%v); attach it again", r.Name, err)
		}
		mime, err := Classify(r.Name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, conversation.Attachment{ID: r.ID, Name: r.Name, MIME: mime, Size: int64(len(data))})
	}
	return out, nil
}

// signatures are the leading bytes of the binary formats Classify tells
// apart (as the WHATWG MIME sniffing standard lists them); "?" matches any
// byte.
var signatures = []struct{ prefix, mime string }{
	{"\x89PNG\r\n\x1a\n", "image/png"},
	{"\xff\xd8\xff", "image/jpeg"},
	{"GIF87a", "image/gif"},
	{"GIF89a", "image/gif"},
	{"RIFF????WEBPVP", "image/webp"},
	{"%PDF-", "application/pdf"},
	{"BM", "image/bmp"},
	{"\x00\x00\x01\x00", "image/x-icon"},
	{"\x00\x00\x02\x00", "image/x-icon"},
	{"II*\x00", "image/tiff"},
	{"MM\x00*", "image/tiff"},
	{"????ftypavif", "image/avif"},
	{"????ftypheic", "image/heic"},
	{"????ftypmif1", "image/heif"},
}

// sniff names the format of data by its signature, or "" for none known.
// (net/http's DetectContentType does the same but would bring net/http into
// the browser build.)
func sniff(data []byte) string {
	for _, s := range signatures {
		if matches(data, s.prefix) {
			return s.mime
		}
	}
	return ""
}

func matches(data []byte, pattern string) bool {
	if len(data) < len(pattern) {
		return false
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != '?' && data[i] != pattern[i] {
			return false
		}
	}
	return true
}
