package transfer

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// rawString returns the JSON string in raw, or "" if raw is not a string.
// raw comes from an already validated document, so it is unquoted here
// directly (json.Unmarshal would validate it a second time; that was a
// fifth of the import time).
func rawString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return ""
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body)
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			r, size := utf8.DecodeRune(body[i:])
			b.WriteRune(r) // invalid bytes become U+FFFD, as encoding/json does
			i += size
			continue
		}
		if i+1 >= len(body) {
			return ""
		}
		switch e := body[i+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(body[i+2:])
			if !ok {
				return ""
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(body) && body[i] == '\\' && body[i+1] == 'u' {
					r2, _ := hex4(body[i+2 : i+6])
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b.WriteRune(dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default:
			return ""
		}
		i += 2
	}
	return b.String()
}

// hex4 decodes four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// jsonText is a JSON string read leniently: a value of another type (a
// number where text was expected, null) leaves it empty instead of
// rejecting the whole conversation, and nothing is copied twice.
type jsonText string

// UnmarshalJSON implements json.Unmarshaler.
func (s *jsonText) UnmarshalJSON(b []byte) error {
	*s = jsonText(rawString(b))
	return nil
}

// jsonFlag is true only for the JSON literal true.
type jsonFlag bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *jsonFlag) UnmarshalJSON(b []byte) error {
	*f = string(b) == "true"
	return nil
}

// jsonValue keeps a JSON value that is decoded later, where it is used; an
// empty list or object and null are not kept (most messages carry those).
type jsonValue []byte

// UnmarshalJSON implements json.Unmarshaler.
func (v *jsonValue) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null", "[]", "{}":
		*v = nil
		return nil
	}
	*v = append((*v)[:0], b...)
	return nil
}
