package transfer

import (
	"bufio"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// utf16Reader returns r decoded to UTF-8 when it is UTF-16 text (with a
// byte order mark, or without one: JSON starts with an ASCII character, so
// every other byte of its start is zero), and whether it was. Windows
// tools save "Unicode" text that way.
func utf16Reader(r io.Reader) (io.Reader, bool) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	var order unicode.Endianness
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		order = unicode.LittleEndian
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		order = unicode.BigEndian
	case len(head) == 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		order = unicode.LittleEndian
	case len(head) == 4 && head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0:
		order = unicode.BigEndian
	default:
		return br, false
	}
	// UseBOM: a byte order mark, when there is one, decides and is dropped.
	return transform.NewReader(br, unicode.UTF16(order, unicode.UseBOM).NewDecoder()), true
}
