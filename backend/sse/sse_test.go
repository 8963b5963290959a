package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// chunkReader returns its input in pieces of the given sizes (cycled).
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.sizes) > 0 {
		n = r.sizes[r.i%len(r.sizes)]
		r.i++
	}
	n = min(n, len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// decodeAll runs the decoder to the end and returns the events and the
// terminal error (nil for a clean io.EOF).
func decodeAll(t testing.TB, r io.Reader, opts ...Option) ([]rec, *Decoder, error) {
	t.Helper()
	d := NewDecoder(r, opts...)
	var out []rec
	for {
		ev, err := d.Next()
		if err == io.EOF {
			return out, d, nil
		}
		if err != nil {
			return out, d, err
		}
		out = append(out, rec{ev.Type, string(ev.Data), ev.ID})
	}
}

func decodeString(t testing.TB, s string) []rec {
	t.Helper()
	evs, _, err := decodeAll(t, strings.NewReader(s))
	if err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return evs
}

type ruleCase struct {
	name string
	in   string
	want []rec
}

func runRule(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := decodeString(t, tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("input %q\n got %q\nwant %q", tc.in, got, tc.want)
			}
			// The reference decoder must agree with the expectation too.
			if ref := refDecode([]byte(tc.in)).events; !reflect.DeepEqual(ref, tc.want) {
				t.Fatalf("reference decoder disagrees on %q: %q", tc.in, ref)
			}
			// And the result must not depend on how the input is split.
			for _, size := range []int{1, 2, 3, 7} {
				got, _, err := decodeAll(t, &chunkReader{data: []byte(tc.in), sizes: []int{size}})
				if err != nil || !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("read in %d-byte pieces: got %q, %v", size, got, err)
				}
			}
		})
	}
}

func msg(data string) rec { return rec{"message", data, ""} }

func TestRule1LineEnds(t *testing.T) {
	runRule(t, []ruleCase{
		{"LF", "data: a\n\n", []rec{msg("a")}},
		{"CRLF", "data: a\r\n\r\n", []rec{msg("a")}},
		{"lone CR", "data: a\r\r", []rec{msg("a")}},
		{"mixed in one stream", "data: a\rdata: b\r\ndata: c\n\r\n", []rec{msg("a\nb\nc")}},
		{"CR LF is one end, LF CR is two", "data: a\n\rdata: b\r\n\n", []rec{msg("a"), msg("b")}},
		{"CR CR LF is two ends", "data: a\r\r\ndata: b\n\n", []rec{msg("a"), msg("b")}},
	})
	t.Run("CR at the end of one read, LF at the start of the next", func(t *testing.T) {
		got, _, err := decodeAll(t, io.MultiReader(strings.NewReader("data: a\r"), strings.NewReader("\ndata: b\r"), strings.NewReader("\n\r"), strings.NewReader("\n")))
		want := []rec{msg("a\nb")}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %q %v, want %q", got, err, want)
		}
	})
}

func TestRule2BOMAndUTF8(t *testing.T) {
	runRule(t, []ruleCase{
		{"BOM stripped", "\uFEFFdata: a\n\n", []rec{msg("a")}},
		{"only one BOM stripped", "\uFEFF\uFEFFdata: a\n\ndata: b\n\n", []rec{msg("b")}},
		{"BOM later is kept in data", "data: \uFEFFa\n\n", []rec{msg("\uFEFFa")}},
		{"invalid byte", "data: a\xffb\n\n", []rec{msg("a\uFFFDb")}},
		{"truncated sequence is one replacement", "data: a\xe2\x82b\n\n", []rec{msg("a\uFFFDb")}},
		{"surrogate encoding", "data: \xed\xa0\x80\n\n", []rec{msg("\uFFFD\uFFFD\uFFFD")}},
		{"overlong", "data: \xc0\xaf\n\n", []rec{msg("\uFFFD\uFFFD")}},
		{"invalid in event type", "event: x\xff\ndata: a\n\n", []rec{{"x\uFFFD", "a", ""}}},
		{"partial BOM is data", "\xef\xbbdata: a\n\n", nil},
	})
	t.Run("BOM split across reads", func(t *testing.T) {
		in := []byte("\uFEFFdata: a\n\n")
		for _, sizes := range [][]int{{1}, {2, 100}, {1, 2, 100}} {
			got, _, err := decodeAll(t, &chunkReader{data: in, sizes: sizes})
			if err != nil || !reflect.DeepEqual(got, []rec{msg("a")}) {
				t.Fatalf("sizes %v: got %q %v", sizes, got, err)
			}
		}
	})
}

func TestRule3DispatchAndComments(t *testing.T) {
	runRule(t, []ruleCase{
		{"blank line dispatches", "data: a\n\ndata: b\n\n", []rec{msg("a"), msg("b")}},
		{"comment ignored", ": keep-alive\ndata: a\n: OPENROUTER PROCESSING\n\n", []rec{msg("a")}},
		{"comment alone dispatches nothing", ": ping\n\n", nil},
		{"colon only", ":\n\ndata: x\n\n", []rec{msg("x")}},
	})
}

func TestRule4ColonAndSpace(t *testing.T) {
	runRule(t, []ruleCase{
		{"one space removed", "data: a\n\n", []rec{msg("a")}},
		{"only one space removed", "data:  a\n\n", []rec{msg(" a")}},
		{"no space", "data:a\n\n", []rec{msg("a")}},
		{"trailing spaces kept", "data: a  \n\n", []rec{msg("a  ")}},
		{"tab not removed", "data:\ta\n\n", []rec{msg("\ta")}},
		{"split at first colon", "data: a:b: c\n\n", []rec{msg("a:b: c")}},
	})
}

func TestRule5NoColon(t *testing.T) {
	runRule(t, []ruleCase{
		{"data alone appends an empty line", "data\ndata\ndata: a\n\n", []rec{msg("\n\na")}},
		{"data alone dispatches empty data", "data\n\n", []rec{msg("")}},
		{"event alone resets type", "event: x\nevent\ndata: a\n\n", []rec{msg("a")}},
	})
}

func TestRule6FieldNames(t *testing.T) {
	runRule(t, []ruleCase{
		{"case sensitive", "Data: a\nDATA: b\ndata: c\n\n", []rec{msg("c")}},
		{"leading space makes a different field", " data: a\ndata: b\n\n", []rec{msg("b")}},
		{"unknown fields ignored", "foo: bar\ndata: a\nx\n\n", []rec{msg("a")}},
	})
}

func TestRule7Fields(t *testing.T) {
	runRule(t, []ruleCase{
		{"event sets type", "event: error\ndata: a\n\n", []rec{{"error", "a", ""}}},
		{"type resets after dispatch", "event: error\ndata: a\n\ndata: b\n\n", []rec{{"error", "a", ""}, msg("b")}},
		{"id persists", "id: 1\ndata: a\n\ndata: b\n\n", []rec{{"message", "a", "1"}, {"message", "b", "1"}}},
		{"empty id clears", "id: 1\ndata: a\n\nid\ndata: b\n\n", []rec{{"message", "a", "1"}, msg("b")}},
		{"id with NUL ignored", "id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", []rec{{"message", "a", "1"}, {"message", "b", "1"}}},
		{"id set by an event without data", "id: 7\n\ndata: a\n\n", []rec{{"message", "a", "7"}}},
		{"multi-line data", "data: a\ndata: b\n\n", []rec{msg("a\nb")}},
	})
	retries := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"retry: 1500\n\n", 1500 * time.Millisecond, true},
		{"retry: 15a\n\n", 0, false},
		{"retry: -1\n\n", 0, false},
		{"retry: \n\n", 0, false},
		{"retry: 1 \n\n", 0, false},
		{"retry: 10\nretry: x\n\n", 10 * time.Millisecond, true},
	}
	for _, r := range retries {
		_, d, err := decodeAll(t, strings.NewReader(r.in))
		got, ok := d.Retry()
		if err != nil || got != r.want || ok != r.ok {
			t.Errorf("%q: retry %v %v, want %v %v", r.in, got, ok, r.want, r.ok)
		}
		ref := refDecode([]byte(r.in))
		if ref.retry != r.want || ref.hasRet != r.ok {
			t.Errorf("reference decoder disagrees on %q", r.in)
		}
	}
	_, d, _ := decodeAll(t, strings.NewReader("id: abc\n\n"))
	if d.LastEventID() != "abc" {
		t.Errorf("LastEventID = %q", d.LastEventID())
	}
}

func TestRule8EmptyDataAndTrailingLF(t *testing.T) {
	runRule(t, []ruleCase{
		{"no data, nothing dispatched", "event: x\n\ndata: a\n\n", []rec{msg("a")}},
		{"blank lines only", "\n\n\n\r\n", nil},
		{"one trailing LF removed", "data: a\ndata:\n\n", []rec{msg("a\n")}},
		{"empty data value is dispatched", "data:\n\n", []rec{msg("")}},
	})
}

func TestRule9DiscardAtEOF(t *testing.T) {
	runRule(t, []ruleCase{
		{"unterminated event", "data: a\n\ndata: b\n", []rec{msg("a")}},
		{"unterminated line", "data: a\n\ndata: b", []rec{msg("a")}},
		{"ends after CR", "data: a\r\r", []rec{msg("a")}},
	})
}

func TestRule10LongLinesAndOddBytes(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	got := decodeString(t, "data: "+long+"\n\n")
	if len(got) != 1 || got[0].Data != long {
		t.Fatalf("3 MiB line: got %d events", len(got))
	}
	runRule(t, []ruleCase{
		{"U+2028 does not split", "data: a\u2028b\u2029c\n\n", []rec{msg("a\u2028b\u2029c")}},
		{"NUL does not split", "data: a\x00b\n\n", []rec{msg("a\x00b")}},
		{"form feed and vertical tab", "data: a\fb\vc\n\n", []rec{msg("a\fb\vc")}},
		{"NEL is not a line end", "data: a\u0085b\n\n", []rec{msg("a\u0085b")}},
	})
}

func TestMaxEventSize(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{"one long line", "data: " + strings.Repeat("y", 5000) + "\n\n"},
		{"many data lines", strings.Repeat("data: "+strings.Repeat("z", 100)+"\n", 60) + "\n"},
		{"long comment line", ": " + strings.Repeat("c", 9000) + "\n\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs, _, err := decodeAll(t, strings.NewReader("data: ok\n\n"+tc.in+"data: after\n\n"), WithMaxEventSize(4096), WithBufferSize(512))
			var tl *EventTooLargeError
			if !errors.As(err, &tl) || tl.Limit != 4096 {
				t.Fatalf("err = %v, want EventTooLargeError", err)
			}
			if !strings.Contains(err.Error(), "4096 bytes") {
				t.Errorf("message %q does not say the limit", err)
			}
			if len(evs) != 1 || evs[0].Data != "ok" {
				t.Errorf("events before the big one: %q", evs)
			}
		})
	}
	evs, _, err := decodeAll(t, strings.NewReader("data: "+strings.Repeat("y", 4000)+"\n\n"), WithMaxEventSize(4096), WithBufferSize(512))
	if err != nil || len(evs) != 1 {
		t.Fatalf("event under the limit: %v", err)
	}
}

func TestReadErrorIsReturnedAndSticky(t *testing.T) {
	boom := errors.New("connection reset")
	d := NewDecoder(io.MultiReader(strings.NewReader("data: a\n\ndata: b"), &errReader{boom}))
	if ev, err := d.Next(); err != nil || string(ev.Data) != "a" {
		t.Fatalf("first event: %q %v", ev.Data, err)
	}
	for range 2 {
		if _, err := d.Next(); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want %v", err, boom)
		}
	}
}

type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

// streams used by the split and fuzz tests.
var sampleStreams = []string{
	"data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n",
	"\uFEFF: keep-alive\r\nid: 5\r\nevent: error\r\ndata: {\"error\":{\"message\":\"x\"}}\r\n\r\n",
	"data: a\rdata: b\r\rretry: 300\r\ndata\r\n\r\nid: \x00\ndata: \xe2\x82x\n\n",
	": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata:  spaced  \n\nevent\ndata:\n\n",
	"data: \u00e9\u2028\u4e16\U0001F600\n\nfoo\n data: no\n\ndata: tail",
}

func TestEveryByteBoundary(t *testing.T) {
	for si, s := range sampleStreams {
		want, wd, werr := decodeAll(t, strings.NewReader(s))
		if werr != nil {
			t.Fatal(werr)
		}
		if ref := refDecode([]byte(s)); !reflect.DeepEqual(ref.events, want) {
			t.Fatalf("stream %d: decoder %q, reference %q", si, want, ref.events)
		}
		wantRetry, _ := wd.Retry()
		in := []byte(s)
		for i := 0; i <= len(in); i++ {
			for j := i; j <= len(in); j++ {
				r := io.MultiReader(bytes.NewReader(in[:i]), bytes.NewReader(in[i:j]), bytes.NewReader(in[j:]))
				got, d, err := decodeAll(t, r, WithBufferSize(16))
				gotRetry, _ := d.Retry()
				if err != nil || !reflect.DeepEqual(got, want) || gotRetry != wantRetry {
					t.Fatalf("stream %d split at %d and %d: got %q (retry %v, err %v), want %q", si, i, j, got, gotRetry, err, want)
				}
			}
		}
	}
}

func TestNoAllocationsPerEventInSteadyState(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "id: 1\nevent: delta\ndata: {\"n\":%d}\n\n: keep-alive\r\n", i)
	}
	in := []byte(b.String())
	rd := bytes.NewReader(in)
	d := NewDecoder(rd)
	run := func() {
		rd.Reset(in)
		d.Reset(rd)
		for {
			if _, err := d.Next(); err != nil {
				break
			}
		}
	}
	run()
	if a := testing.AllocsPerRun(20, run); a > 3 {
		t.Fatalf("%v allocations per 200-event stream, want at most 3 (type and id strings)", a)
	}
}

func FuzzDecoder(f *testing.F) {
	for _, s := range sampleStreams {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, piece uint8) {
		want := refDecode(in)
		sizes := []int{int(piece%17) + 1, int(piece/17) + 1}
		got, d, err := decodeAll(t, &chunkReader{data: in, sizes: sizes}, WithBufferSize(8))
		if err != nil {
			t.Fatalf("error %v", err)
		}
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, want.events) {
			t.Fatalf("input %q\n got %q\nwant %q", in, got, want.events)
		}
		if r, ok := d.Retry(); r != want.retry || ok != want.hasRet {
			t.Fatalf("retry %v %v, want %v %v", r, ok, want.retry, want.hasRet)
		}
	})
}

func TestWithoutUTF8Check(t *testing.T) {
	in := "event: t\xff\ndata: a\xffb\n\n"
	evs, _, err := decodeAll(t, strings.NewReader(in), WithoutUTF8Check())
	if err != nil || len(evs) != 1 || evs[0].Data != "a\xffb" || evs[0].Type != "t\uFFFD" {
		t.Fatalf("%q %v", evs, err)
	}
	evs, _, _ = decodeAll(t, strings.NewReader(in))
	if evs[0].Data != "a\uFFFDb" {
		t.Fatalf("default mode: %q", evs[0].Data)
	}
}
