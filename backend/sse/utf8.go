package sse

import "unicode/utf8"

// validUTF8 returns b when it is valid UTF-8; otherwise it writes into
// *scratch a copy with every maximal invalid subpart replaced by U+FFFD, as
// the WHATWG UTF-8 decoder does, and returns that.
func validUTF8(b []byte, scratch *[]byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := (*scratch)[:0]
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		n, lo, hi := seqInfo(c)
		if n == 0 {
			out = append(out, "\uFFFD"...)
			i++
			continue
		}
		j := i + 1
		for k := 1; k < n; k++ {
			if j >= len(b) || b[j] < lo || b[j] > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			j++
		}
		if j-i == n {
			out = append(out, b[i:j]...)
		} else {
			out = append(out, "\uFFFD"...)
		}
		i = j
	}
	*scratch = out
	return out
}

// seqInfo returns the length of the sequence a lead byte starts and the
// range allowed for its second byte; n is 0 for a byte that cannot lead.
func seqInfo(c byte) (n int, lo, hi byte) {
	switch {
	case c >= 0xC2 && c <= 0xDF:
		return 2, 0x80, 0xBF
	case c == 0xE0:
		return 3, 0xA0, 0xBF
	case c == 0xED:
		return 3, 0x80, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		return 3, 0x80, 0xBF
	case c == 0xF0:
		return 4, 0x90, 0xBF
	case c == 0xF4:
		return 4, 0x80, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		return 4, 0x80, 0xBF
	}
	return 0, 0, 0
}
