package sse

import (
	"strings"
	"time"
	"unicode/utf8"
)

// rec is a decoded event in comparable form.
type rec struct {
	Type, Data, ID string
}

// refResult is what the reference decoder produced.
type refResult struct {
	events []rec
	retry  time.Duration
	hasRet bool
}

// refFixUTF8 replaces every maximal invalid subpart with U+FFFD. It is
// written independently of validUTF8: it asks, by brute force, whether a
// prefix can still be completed into a valid sequence.
func refFixUTF8(b []byte) string {
	var out strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			out.Write(b[i : i+n])
			i += n
			continue
		}
		k := 1
		for l := 2; l <= 3 && i+l <= len(b); l++ {
			if completable(b[i : i+l]) {
				k = l
			} else {
				break
			}
		}
		if !completable(b[i : i+1]) {
			k = 1
		}
		out.WriteRune(utf8.RuneError)
		i += k
	}
	return out.String()
}

// completable reports whether p is a proper prefix of some valid UTF-8
// encoding of one code point.
func completable(p []byte) bool {
	fill := []byte{0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF}
	var try func(q []byte) bool
	try = func(q []byte) bool {
		if len(q) > 4 {
			return false
		}
		if len(q) > len(p) {
			if r, n := utf8.DecodeRune(q); n == len(q) && r != utf8.RuneError {
				return true
			}
		}
		if len(q) == 4 {
			return false
		}
		for _, f := range fill {
			if try(append(append([]byte{}, q...), f)) {
				return true
			}
		}
		return false
	}
	return try(append([]byte{}, p...))
}

// refDecode is a deliberately simple decoder written from the spec text:
// decode everything, split into lines, interpret each line.
func refDecode(input []byte) refResult {
	s := refFixUTF8(input)
	s = strings.TrimPrefix(s, "\uFEFF")
	var res refResult
	var data strings.Builder
	var typ, lastID string
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			break // unterminated line and pending event are discarded
		}
		line := s[:i]
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			s = s[i+2:]
		} else {
			s = s[i+1:]
		}
		if line == "" {
			d := data.String()
			if d == "" {
				typ = ""
				continue
			}
			d = strings.TrimSuffix(d, "\n")
			t := typ
			if t == "" {
				t = "message"
			}
			res.events = append(res.events, rec{Type: t, Data: d, ID: lastID})
			data.Reset()
			typ = ""
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value := line, ""
		if j := strings.Index(line, ":"); j >= 0 {
			field, value = line[:j], line[j+1:]
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "data":
			data.WriteString(value)
			data.WriteString("\n")
		case "event":
			typ = value
		case "id":
			if !strings.Contains(value, "\x00") {
				lastID = value
			}
		case "retry":
			if value != "" && strings.Trim(value, "0123456789") == "" {
				var n int64
				for _, c := range value {
					if n < (1<<62)/10 {
						n = n*10 + int64(c-'0')
					}
				}
				if n > int64(1<<63-1)/int64(time.Millisecond) {
					n = int64(1<<63-1) / int64(time.Millisecond)
				}
				res.retry, res.hasRet = time.Duration(n)*time.Millisecond, true
			}
		}
	}
	return res
}
