package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// jsonScanner splits a JSON stream into values without decoding them, so a
// huge top-level array is read one element at a time. It tracks nesting
// itself (no recursion, so any depth is harmless), caps the bytes it keeps
// per value and notes values nested deeper than allowed; such values are
// read to their end and dropped, and the scan goes on with the next one.
type jsonScanner struct {
	r        io.Reader
	buf      []byte // read buffer
	pos, end int
	eof      bool
	consumed int64 // bytes of input handed out or skipped

	maxValue int64
	maxDepth int
	stack    []byte // open brackets, up to maxDepth
}

func newJSONScanner(r io.Reader, maxValue int64, maxDepth int) *jsonScanner {
	return &jsonScanner{r: r, buf: make([]byte, 256<<10), maxValue: maxValue, maxDepth: maxDepth}
}

// errNotJSON marks input that is not well-formed JSON at the structural
// level; nothing after it can be trusted.
var errNotJSON = errors.New("not valid JSON")

func (s *jsonScanner) fill() error {
	if s.eof {
		return io.EOF
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	for s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			break
		}
		if err != nil {
			return err
		}
		if n > 0 {
			break
		}
	}
	if s.pos == s.end && s.eof {
		return io.EOF
	}
	return nil
}

// peek returns the next byte that is not white space (a UTF-8 byte order
// mark at the very start is skipped too) without consuming it.
func (s *jsonScanner) peek() (byte, error) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			switch c {
			case ' ', '\t', '\n', '\r':
				s.pos++
				s.consumed++
				continue
			}
			if s.consumed == 0 && c == 0xEF && s.end-s.pos >= 3 && s.buf[s.pos+1] == 0xBB && s.buf[s.pos+2] == 0xBF {
				s.pos += 3
				s.consumed += 3
				continue
			}
			return c, nil
		}
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
}

// skipByte consumes one byte (after peek).
func (s *jsonScanner) skipByte() {
	s.pos++
	s.consumed++
}

// value reads the next JSON value. It returns the value's bytes, or a
// non-empty problem when the value was dropped (too big, too deep). err is
// errNotJSON (wrapped) for malformed structure, io.ErrUnexpectedEOF when the
// input ends inside the value, or a read error.
func (s *jsonScanner) value() (val []byte, problem string, err error) {
	first, err := s.peek()
	if err != nil {
		if err == io.EOF {
			return nil, "", io.ErrUnexpectedEOF
		}
		return nil, "", err
	}
	var out []byte
	var size int64
	keep := func(b []byte) {
		size += int64(len(b))
		if size <= s.maxValue {
			out = append(out, b...)
		}
	}
	if first != '{' && first != '[' {
		return s.scalar()
	}
	depth := 0
	tooDeep := false
	s.stack = s.stack[:0]
	inString, escaped := false, false
	for {
		if s.pos == s.end {
			if err := s.fill(); err != nil {
				if err == io.EOF {
					return nil, "", io.ErrUnexpectedEOF
				}
				return nil, "", err
			}
		}
		chunk := s.buf[s.pos:s.end]
		i := 0
		done := false
	loop:
		for i < len(chunk) {
			if inString {
				// Fast path: jump to the next quote or backslash.
				if escaped {
					escaped = false
					i++
					continue
				}
				j := bytes.IndexAny(chunk[i:], "\"\\")
				if j < 0 {
					i = len(chunk)
					break
				}
				i += j
				if chunk[i] == '\\' {
					escaped = true
				} else {
					inString = false
				}
				i++
				continue
			}
			c := chunk[i]
			i++
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
				if depth > s.maxDepth {
					tooDeep = true
				} else {
					s.stack = append(s.stack, c)
				}
			case '}', ']':
				if depth <= s.maxDepth {
					open := s.stack[len(s.stack)-1]
					if (open == '{') != (c == '}') {
						return nil, "", fmt.Errorf("%w: %q closed by %q at byte %d", errNotJSON, open, c, s.consumed+int64(i))
					}
					s.stack = s.stack[:len(s.stack)-1]
				}
				depth--
				if depth == 0 {
					done = true
					break loop
				}
			}
		}
		keep(chunk[:i])
		s.pos += i
		s.consumed += int64(i)
		if done {
			break
		}
	}
	switch {
	case tooDeep:
		return nil, fmt.Sprintf("it is nested more than %d levels deep", s.maxDepth), nil
	case size > s.maxValue:
		return nil, fmt.Sprintf("it is %s, more than the %s allowed for one conversation", humanBytes(size), humanBytes(s.maxValue)), nil
	}
	return out, "", nil
}

// scalar reads a string, number or literal value.
func (s *jsonScanner) scalar() ([]byte, string, error) {
	var val []byte
	var size int64
	inString, escaped := false, false
	for n := 0; ; n++ {
		if s.pos == s.end {
			if err := s.fill(); err != nil {
				if err == io.EOF && !inString && n > 0 {
					break
				}
				if err == io.EOF {
					return nil, "", io.ErrUnexpectedEOF
				}
				return nil, "", err
			}
		}
		c := s.buf[s.pos]
		stop := false
		switch {
		case n == 0:
			inString = c == '"'
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString, stop = false, true
			}
		default:
			switch c {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				stop = true
			case '"', '{', '[', ':':
				return nil, "", fmt.Errorf("%w: unexpected %q at byte %d", errNotJSON, c, s.consumed)
			}
			if stop {
				break
			}
		}
		if stop && !inString && n > 0 && c != '"' {
			break
		}
		s.pos++
		s.consumed++
		size++
		if size <= s.maxValue {
			val = append(val, c)
		}
		if stop {
			break
		}
	}
	if size > s.maxValue {
		return nil, fmt.Sprintf("it is %s, more than the %s allowed", humanBytes(size), humanBytes(s.maxValue)), nil
	}
	return val, "", nil
}

// humanBytes formats n as "12 KB", "3.4 MB" and so on.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v >= 10 || v == float64(int64(v)) {
		return fmt.Sprintf("%.0f %cB", v, "KMGTPE"[exp])
	}
	return fmt.Sprintf("%.1f %cB", v, "KMGTPE"[exp])
}
