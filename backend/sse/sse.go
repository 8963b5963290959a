// Package sse decodes a server-sent-events stream as the WHATWG HTML
// specification's parsing rules say: CR, LF and CRLF line ends (also split
// across reads), one leading BOM stripped, comments, fields without a colon,
// one leading space removed from values, id and retry rules, no dispatch of
// events with an empty data buffer, and an unfinished event at the end of the
// stream discarded. Invalid UTF-8 becomes U+FFFD.
//
// There is no line-length cap; the size of one event (or one line) is bounded
// by MaxEventSize, and exceeding it is an *EventTooLargeError.
//
// The decoder reuses its buffers: in steady state it allocates nothing per
// event. Event.Data is valid until the next call of Next.
package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// DefaultMaxEventSize bounds one event when no other limit is set.
const DefaultMaxEventSize = 64 << 20

const (
	defaultBufSize = 64 << 10
	minRead        = 4 << 10
)

// Event is one dispatched event.
type Event struct {
	// Type is the event type, "message" unless an event field set it.
	Type string
	// Data is the data buffer without its last LF. It is only valid until
	// the next call of Next.
	Data []byte
	// ID is the last event id, which persists across events.
	ID string
}

// EventTooLargeError reports an event or a line longer than the limit.
type EventTooLargeError struct {
	Limit int
}

func (e *EventTooLargeError) Error() string {
	return fmt.Sprintf("server-sent event larger than the limit of %d bytes", e.Limit)
}

// Decoder reads events from a stream.
type Decoder struct {
	r       io.Reader
	max     int
	rawData bool

	buf        []byte // buf[start:end] is unread input
	start, end int
	// Cached searches for CR and LF: pos is the absolute index of the next
	// occurrence at or after start when >= start; otherwise no occurrence
	// exists in buf[start:scanned].
	crPos, crScan int
	lfPos, lfScan int

	bomChecked bool
	skipLF     bool // the last line ended with CR: a following LF is part of it
	err        error

	data       []byte // data buffer
	hasData    bool   // a data field was seen since the last dispatch
	view       []byte // the only data line so far, still in buf
	viewActive bool
	eventType  []byte
	typeSet    bool
	typeStr    string // cached string of the last non-default type
	id         string
	idBuf      []byte
	retry      time.Duration
	retrySet   bool
	fixed      []byte // data with invalid UTF-8 replaced
	typeFix    []byte
}

// Option configures a Decoder.
type Option func(*Decoder)

// WithMaxEventSize bounds one event's data and any single line to n bytes
// (DefaultMaxEventSize when n <= 0).
func WithMaxEventSize(n int) Option {
	return func(d *Decoder) {
		if n > 0 {
			d.max = n
		}
	}
}

// WithoutUTF8Check passes event data through as received, without
// replacing invalid UTF-8 by U+FFFD. It is for callers that validate what
// they use themselves (backend/llm decodes the JSON strings it reads with
// replacement), and saves the validation pass over every event. Event types
// and ids are still made valid.
func WithoutUTF8Check() Option {
	return func(d *Decoder) { d.rawData = true }
}

// WithBufferSize sets the initial read buffer size (default 64 KiB). It
// grows as needed for long lines.
func WithBufferSize(n int) Option {
	return func(d *Decoder) {
		if n > 0 {
			d.buf = make([]byte, n)
		}
	}
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader, opts ...Option) *Decoder {
	d := &Decoder{r: r, max: DefaultMaxEventSize, crPos: -1, lfPos: -1}
	for _, o := range opts {
		o(d)
	}
	if d.buf == nil {
		d.buf = make([]byte, defaultBufSize)
	}
	return d
}

// Reset makes the decoder read a new stream from r, keeping its buffers.
// The last event id and retry are forgotten.
func (d *Decoder) Reset(r io.Reader) {
	*d = Decoder{r: r, max: d.max, rawData: d.rawData, buf: d.buf, crPos: -1, lfPos: -1,
		data: d.data[:0], eventType: d.eventType[:0], idBuf: d.idBuf[:0], fixed: d.fixed[:0], typeFix: d.typeFix[:0]}
}

// LastEventID returns the last event id seen so far.
func (d *Decoder) LastEventID() string { return d.id }

// Retry returns the reconnection time the stream set with a retry field.
func (d *Decoder) Retry() (time.Duration, bool) { return d.retry, d.retrySet }

// Next returns the next event. At the end of the stream it returns io.EOF
// (an event not ended by a blank line is discarded). A read error is
// returned as is; an oversized event gives *EventTooLargeError. After an
// error every call returns it again.
func (d *Decoder) Next() (Event, error) {
	for {
		line, ok, err := d.readLine()
		if err != nil {
			d.err = err
			return Event{}, err
		}
		if !ok {
			continue
		}
		if len(line) == 0 {
			if ev, ok := d.dispatch(); ok {
				return ev, nil
			}
			continue
		}
		if err := d.processLine(line); err != nil {
			d.err = err
			return Event{}, err
		}
	}
}

// readLine returns the next line without its end. ok is false when a
// buffered line end was consumed without producing a line (the LF of a CRLF
// split across reads).
func (d *Decoder) readLine() (line []byte, ok bool, err error) {
	if d.err != nil {
		return nil, false, d.err
	}
	for {
		if d.start < d.end {
			if !d.bomChecked {
				if need := d.checkBOM(); need {
					if err := d.fill(); err != nil {
						if err == io.EOF {
							d.bomChecked = true
							continue
						}
						return nil, false, err
					}
					continue
				}
			}
			if d.skipLF {
				d.skipLF = false
				if d.buf[d.start] == '\n' {
					d.start++
					continue
				}
			}
			if eol := d.findEOL(); eol >= 0 {
				line = d.buf[d.start:eol]
				if d.buf[eol] == '\r' {
					if eol+1 < d.end {
						if d.buf[eol+1] == '\n' {
							eol++
						}
					} else {
						d.skipLF = true
					}
				}
				d.start = eol + 1
				return line, true, nil
			}
		}
		if err := d.fill(); err != nil {
			if err == io.EOF {
				// An unterminated last line and event are discarded.
				return nil, false, io.EOF
			}
			return nil, false, err
		}
	}
}

// checkBOM strips a BOM at the very start; it returns true when more input
// is needed to decide.
func (d *Decoder) checkBOM() bool {
	bom := [3]byte{0xEF, 0xBB, 0xBF}
	n := d.end - d.start
	for i := 0; i < n && i < 3; i++ {
		if d.buf[d.start+i] != bom[i] {
			d.bomChecked = true
			return false
		}
	}
	if n < 3 {
		return true
	}
	d.start += 3
	d.bomChecked = true
	return false
}

// findEOL returns the absolute index of the first CR or LF in the unread
// input, or -1. Each byte is searched at most once per character.
func (d *Decoder) findEOL() int {
	if d.lfPos < d.start {
		from := max(d.start, d.lfScan)
		if i := bytes.IndexByte(d.buf[from:d.end], '\n'); i >= 0 {
			d.lfPos = from + i
		} else {
			d.lfPos = -1
			d.lfScan = d.end
		}
	}
	if d.crPos < d.start {
		from := max(d.start, d.crScan)
		if i := bytes.IndexByte(d.buf[from:d.end], '\r'); i >= 0 {
			d.crPos = from + i
		} else {
			d.crPos = -1
			d.crScan = d.end
		}
	}
	switch {
	case d.crPos >= d.start && (d.lfPos < d.start || d.crPos < d.lfPos):
		return d.crPos
	case d.lfPos >= d.start:
		return d.lfPos
	}
	return -1
}

// fill reads more input, moving or growing the buffer as needed.
func (d *Decoder) fill() error {
	if d.start > 0 && (d.start == d.end || len(d.buf)-d.end < minRead) {
		d.materialize()
		n := copy(d.buf, d.buf[d.start:d.end])
		shift := d.start
		d.start, d.end = 0, n
		d.crPos -= shift
		d.lfPos -= shift
		d.crScan = max(0, d.crScan-shift)
		d.lfScan = max(0, d.lfScan-shift)
	}
	if len(d.buf)-d.end < minRead {
		if d.end-d.start >= d.max {
			return &EventTooLargeError{Limit: d.max}
		}
		nb := make([]byte, min(2*len(d.buf), d.max+minRead+2))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.end:])
		if n < 0 || n > len(d.buf)-d.end {
			return errors.New("sse: reader returned an invalid count")
		}
		d.end += n
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// processLine handles one non-empty line.
func (d *Decoder) processLine(line []byte) error {
	if line[0] == ':' {
		return nil
	}
	var field, value []byte
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	} else {
		field = line
	}
	switch string(field) {
	case "data":
		if !d.hasData {
			// The first data line of an event is kept as a view into the
			// read buffer; it is copied only if another one follows or
			// the buffer must move.
			if len(value)+1 > d.max {
				return &EventTooLargeError{Limit: d.max}
			}
			d.view, d.viewActive, d.hasData = value, true, true
			return nil
		}
		d.materialize()
		if len(d.data)+len(value)+1 > d.max {
			return &EventTooLargeError{Limit: d.max}
		}
		d.data = append(d.data, value...)
		d.data = append(d.data, '\n')
	case "event":
		d.eventType = append(d.eventType[:0], value...)
		d.typeSet = true
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			if string(value) != d.id {
				d.id = string(validUTF8(value, &d.idBuf))
			}
		}
	case "retry":
		if n, ok := digits(value); ok {
			d.retry = time.Duration(n) * time.Millisecond
			d.retrySet = true
		}
	}
	return nil
}

// materialize copies a pending data view into the data buffer.
func (d *Decoder) materialize() {
	if d.viewActive {
		d.data = append(d.data[:0], d.view...)
		d.data = append(d.data, '\n')
		d.view, d.viewActive = nil, false
	}
}

// digits parses a non-empty string of ASCII digits, saturating on overflow.
func digits(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < (1<<62)/10 {
			n = n*10 + int64(c-'0')
		}
	}
	if n > int64(1<<63-1)/int64(time.Millisecond) {
		n = int64(1<<63-1) / int64(time.Millisecond)
	}
	return n, true
}

// dispatch ends the current event; ok is false when there is nothing to
// dispatch (empty data buffer).
func (d *Decoder) dispatch() (Event, bool) {
	typeSet := d.typeSet
	d.typeSet = false
	if !d.hasData {
		d.data = d.data[:0]
		return Event{}, false
	}
	d.hasData = false
	var data []byte
	if d.viewActive {
		data, d.view, d.viewActive = d.view, nil, false
	} else {
		data = d.data[:len(d.data)-1]
	}
	d.data = d.data[:0]
	if !d.rawData {
		data = validUTF8(data, &d.fixed)
	}
	ev := Event{Type: "message", Data: data, ID: d.id}
	if typeSet && len(d.eventType) > 0 {
		switch {
		case string(d.eventType) == "message":
		case string(d.eventType) == d.typeStr:
			ev.Type = d.typeStr
		default:
			d.typeStr = string(validUTF8(d.eventType, &d.typeFix))
			ev.Type = d.typeStr
		}
	}
	return ev, true
}
