package llm

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON scanner for the hot path: it reads only the fields a chunk
// needs and skips the rest without building values. Anything it cannot
// parse is reported as an error.

var errSyntax = errors.New("invalid JSON")

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// literal consumes the literal word.
func (s *scanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// null consumes a null if it is next.
func (s *scanner) null() bool {
	s.ws()
	return s.literal("null")
}

// str reads a string and returns its raw contents and whether it has
// escapes. The scanner must be at the opening quote. Control characters
// inside strings are accepted (encoding/json would reject them).
func (s *scanner) str() (raw []byte, esc bool, err error) {
	if s.peek() != '"' {
		return nil, false, errSyntax
	}
	s.i++
	start := s.i
	// Keys and short values: a byte loop beats two IndexByte calls.
	for end := min(s.i+24, len(s.b)); s.i < end; s.i++ {
		switch s.b[s.i] {
		case '"':
			s.i++
			return s.b[start : s.i-1], false, nil
		case '\\':
			goto long
		}
	}
long:
	for {
		q := bytes.IndexByte(s.b[s.i:], '"')
		if q < 0 {
			return nil, false, errSyntax
		}
		bs := bytes.IndexByte(s.b[s.i:s.i+q], '\\')
		if bs < 0 {
			s.i += q + 1
			return s.b[start : s.i-1], esc, nil
		}
		// Skip the escape and look again.
		esc = true
		s.i += bs + 2
		if s.i > len(s.b) {
			return nil, false, errSyntax
		}
	}
}

// number reads a number's text.
func (s *scanner) number() ([]byte, error) {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if s.i == start {
		return nil, errSyntax
	}
	return s.b[start:s.i], nil
}

// int reads a number as an int (fractions truncated), or null as 0.
func (s *scanner) int() (int, error) {
	if s.null() {
		return 0, nil
	}
	t, err := s.number()
	if err != nil {
		return 0, err
	}
	n := 0
	neg := false
	simple := true
	for k, c := range t {
		switch {
		case c >= '0' && c <= '9':
			if n < 1<<40 {
				n = n*10 + int(c-'0')
			}
		case c == '-' && k == 0:
			neg = true
		default:
			simple = false
		}
		if !simple {
			break
		}
	}
	if !simple {
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return 0, errSyntax
		}
		return int(f), nil
	}
	if neg {
		n = -n
	}
	return n, nil
}

// skip skips one value of any type.
func (s *scanner) skip() error {
	switch s.peek() {
	case '"':
		_, _, err := s.str()
		return err
	case '{':
		s.i++
		if s.consume('}') {
			return nil
		}
		for {
			if _, _, err := s.str(); err != nil {
				return err
			}
			if !s.consume(':') {
				return errSyntax
			}
			if err := s.skip(); err != nil {
				return err
			}
			if s.consume(',') {
				continue
			}
			if s.consume('}') {
				return nil
			}
			return errSyntax
		}
	case '[':
		s.i++
		if s.consume(']') {
			return nil
		}
		for {
			if err := s.skip(); err != nil {
				return err
			}
			if s.consume(',') {
				continue
			}
			if s.consume(']') {
				return nil
			}
			return errSyntax
		}
	case 't':
		if s.literal("true") {
			return nil
		}
	case 'f':
		if s.literal("false") {
			return nil
		}
	case 'n':
		if s.literal("null") {
			return nil
		}
	default:
		_, err := s.number()
		return err
	}
	return errSyntax
}

// object calls field for each key of an object (or does nothing for null);
// field must consume the value.
func (s *scanner) object(field func(key []byte) error) error {
	if s.null() {
		return nil
	}
	if !s.consume('{') {
		return errSyntax
	}
	if s.consume('}') {
		return nil
	}
	for {
		key, esc, err := s.str()
		if err != nil {
			return err
		}
		if esc {
			key = nil // no field we read has an escaped name
		}
		if !s.consume(':') {
			return errSyntax
		}
		if err := field(key); err != nil {
			return err
		}
		if s.consume(',') {
			continue
		}
		if s.consume('}') {
			return nil
		}
		return errSyntax
	}
}

// appendUnescaped appends the decoded contents of a JSON string to dst.
// Invalid UTF-8 and lone surrogates become U+FFFD, as encoding/json does.
func appendUnescaped(dst, raw []byte, esc bool) ([]byte, error) {
	if !esc {
		if utf8.Valid(raw) {
			return append(dst, raw...), nil
		}
		return appendValid(dst, raw), nil
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			if utf8.Valid(raw[i:j]) {
				dst = append(dst, raw[i:j]...)
			} else {
				dst = appendValid(dst, raw[i:j])
			}
			i = j
			continue
		}
		if i+1 >= len(raw) {
			return dst, errSyntax
		}
		switch raw[i+1] {
		case '"', '\\', '/':
			dst = append(dst, raw[i+1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(raw, i+2)
			if !ok {
				return dst, errSyntax
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(raw, i+2); ok && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						dst = utf8.AppendRune(dst, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, errSyntax
		}
		i += 2
	}
	return dst, nil
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// appendValid appends b with each invalid byte replaced by U+FFFD.
func appendValid(dst, b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, b[:n]...)
		}
		b = b[n:]
	}
	return dst
}
