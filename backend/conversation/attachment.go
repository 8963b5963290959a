package conversation

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attachment is a file a message refers to. The file itself is stored once,
// content-addressed, next to the conversations; a message holds only this
// reference, as a part {"type":"attachment","attachment":{…}}.
//
// Name is what the user called the file, for display only: it never names a
// file on disk (ID does). MIME is the media type without parameters
// ("image/png", not "text/plain; charset=utf-8"). Size is in bytes.
type Attachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int64  `json:"size"`
}

// Limits of an attachment reference.
const (
	MaxAttachmentNameBytes = 255
	MaxMIMEBytes           = 100
)

const attachmentIDPrefix = "sha256-"

// AttachmentID returns the id of an attachment with the given bytes:
// "sha256-" and the lowercase hex SHA-256 of data.
func AttachmentID(data []byte) string {
	sum := sha256.Sum256(data)
	return attachmentIDPrefix + hex.EncodeToString(sum[:])
}

// ValidAttachmentID reports whether id has the form AttachmentID makes:
// "sha256-" and 64 lowercase hex digits. Ids name files, so nothing else is
// accepted.
func ValidAttachmentID(id string) bool {
	hexPart, ok := strings.CutPrefix(id, attachmentIDPrefix)
	if !ok || len(hexPart) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(hexPart); i++ {
		c := hexPart[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ValidAttachmentName reports why name cannot be an attachment's name, or
// nil: it must be valid UTF-8 of 1 to 255 bytes, without path separators,
// NUL or other control characters, line separators or bidirectional
// overrides (which make "photo\u202egnp.exe" read as "photoexe.png"), and
// not "." or "..".
func ValidAttachmentName(name string) error {
	switch {
	case name == "":
		return errors.New("the attachment has no name")
	case len(name) > MaxAttachmentNameBytes:
		return fmt.Errorf("the attachment name is longer than %d bytes", MaxAttachmentNameBytes)
	case !utf8.ValidString(name):
		return errors.New("the attachment name is not valid UTF-8")
	case name == "." || name == "..":
		return fmt.Errorf("the attachment name %q is not a file name", name)
	}
	for _, r := range name {
		switch {
		case r == '/' || r == '\\':
			return fmt.Errorf("the attachment name %q contains a path separator", truncate(name, 60))
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || isBidiControl(r):
			return fmt.Errorf("the attachment name %q contains a control character", truncate(name, 60))
		}
	}
	return nil
}

// isBidiControl reports whether r is one of the invisible characters that
// reorder the text around them (marks, embeddings, overrides, isolates).
func isBidiControl(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' ||
		r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// ValidMIME reports whether s is a plausible media type: type/subtype of
// at most 100 bytes, each half made of the characters RFC 6838 allows in a
// name (letters, digits and !#$&-^_.+, starting with a letter or digit), and
// no parameters.
func ValidMIME(s string) bool {
	if len(s) > MaxMIMEBytes {
		return false
	}
	typ, sub, ok := strings.Cut(s, "/")
	return ok && mimeName(typ) && mimeName(sub)
}

func mimeName(s string) bool {
	if s == "" || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("!#$&-^_.+", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (a *Attachment) validate() error {
	if !ValidAttachmentID(a.ID) {
		return fmt.Errorf("attachment id %q is not sha256- and 64 lowercase hex digits", truncate(a.ID, 80))
	}
	if err := ValidAttachmentName(a.Name); err != nil {
		return err
	}
	if !ValidMIME(a.MIME) {
		return fmt.Errorf("attachment %q has media type %q, want type/subtype", truncate(a.Name, 60), truncate(a.MIME, 60))
	}
	if a.Size < 0 {
		return fmt.Errorf("attachment %q has a negative size", truncate(a.Name, 60))
	}
	return nil
}
