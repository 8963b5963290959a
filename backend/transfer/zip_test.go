package transfer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
)

// fakeStore is the caller side of export and import: conversations by id.
type fakeStore struct {
	convs map[string]*conversation.Conversation
	order []string
}

func newFakeStore(cs ...*conversation.Conversation) *fakeStore {
	s := &fakeStore{convs: make(map[string]*conversation.Conversation)}
	for _, c := range cs {
		s.convs[c.ID] = c
		s.order = append(s.order, c.ID)
	}
	return s
}

func (s *fakeStore) load(_ context.Context, id string) (*conversation.Conversation, error) {
	c, ok := s.convs[id]
	if !ok {
		return nil, errors.New("no such conversation")
	}
	return c, nil
}

func (s *fakeStore) save(_ context.Context, c *conversation.Conversation) error {
	if _, dup := s.convs[c.ID]; dup {
		return errors.New("would overwrite " + c.ID)
	}
	s.convs[c.ID] = c
	s.order = append(s.order, c.ID)
	return nil
}

func simpleConv(n int, title string) *conversation.Conversation {
	c := &conversation.Conversation{Format: conversation.Format, Version: 1, ID: fid(n), Title: title,
		CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(n) * time.Minute)}
	c.Messages = []conversation.Message{
		{ID: "u", Role: conversation.RoleUser, Content: conversation.TextContent("question " + title), Status: conversation.StatusComplete, CreatedAt: t0},
		{ID: "a", ParentID: "u", Role: conversation.RoleAssistant, Content: conversation.TextContent("answer " + title), Status: conversation.StatusComplete, CreatedAt: t0},
	}
	c.CurrentID = "a"
	return c
}

func readZip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	files := make(map[string]string)
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = string(data)
		names = append(names, f.Name)
	}
	files["\x00order"] = strings.Join(names, "|")
	return files
}

func TestExportZip(t *testing.T) {
	st := newFakeStore(simpleConv(21, "Same"), simpleConv(22, "same"), simpleConv(23, "CON"), fixture())
	ids := append([]string{}, st.order[:3]...)
	ids = append(ids, "01937a00-0000-7000-8000-999999999999", fid(21)) // missing, then a repeat
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			var calls [][2]int
			res, err := ExportZip(context.Background(), &buf, ids, st.load, f, Options{Now: fixedNow}, func(done, total int) {
				calls = append(calls, [2]int{done, total})
			})
			if err != nil {
				t.Fatal(err)
			}
			files := readZip(t, buf.Bytes())
			ext := f.Ext()
			want := "Same" + ext + "|same (2)" + ext + "|_CON" + ext + "|Same (3)" + ext + "|" + IndexName(f)
			if files["\x00order"] != want {
				t.Errorf("entries = %q, want %q", files["\x00order"], want)
			}
			if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Reason, "no such conversation") || res.Failed[0].Index != 4 {
				t.Errorf("Failed = %+v", res.Failed)
			}
			if len(calls) != 5 || calls[4] != [2]int{5, 5} || calls[0] != [2]int{1, 5} {
				t.Errorf("progress calls = %v", calls)
			}
			index := files[IndexName(f)]
			ref := "same%20%282%29" + ext
			if f == FormatText {
				ref = "same (2)" + ext
			}
			for _, s := range []string{"Same", ref, "no such conversation", "5 conversations"} {
				if !strings.Contains(index, s) {
					t.Errorf("index lacks %q:\n%s", s, index)
				}
			}
			if !strings.Contains(files["same (2)"+ext], "answer same") {
				t.Errorf("file for conversation 2 lacks its content")
			}
		})
	}
}

func TestExportZipRoundTripsThroughImport(t *testing.T) {
	src := newFakeStore(simpleConv(21, "One"), simpleConv(22, "Two"), fixture())
	for _, f := range []Format{FormatJSON, FormatOpenAI} {
		var buf bytes.Buffer
		if _, err := ExportZip(context.Background(), &buf, src.order, src.load, f, Options{AllBranches: true, Now: fixedNow}, nil); err != nil {
			t.Fatal(err)
		}
		dst := newFakeStore()
		res, err := Import(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), "export.zip", dst.save, ImportOptions{Now: fixedNow})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(res.Imported) != 3 || len(res.Skipped) != 0 || res.Ignored != 1 {
			t.Fatalf("%s: imported %d, skipped %+v, ignored %d", f, len(res.Imported), res.Skipped, res.Ignored)
		}
		for i, id := range dst.order {
			got, want := dst.convs[id], src.convs[src.order[i]]
			if got.ID == want.ID {
				t.Errorf("%s: imported conversation kept its old id", f)
			}
			wantPath := want.Path()
			if f == FormatOpenAI { // the failed, empty reply is not sendable
				wantPath = nonEmpty(wantPath)
			}
			if texts(got.Path()) != texts(wantPath) {
				t.Errorf("%s: path of %q differs after the round trip", f, want.Title)
			}
		}
	}
}

func TestExportZipStopsOnCancel(t *testing.T) {
	st := newFakeStore(simpleConv(1, "a"), simpleConv(2, "b"))
	ctx, cancel := context.WithCancel(context.Background())
	_, err := ExportZip(ctx, io.Discard, st.order, st.load, FormatMarkdown, Options{}, func(done, _ int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// texts joins the plain text of messages, for comparisons.
func texts(ms []conversation.Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, string(m.Role)+":"+m.Content.PlainText())
	}
	return strings.Join(s, "|")
}

func nonEmpty(ms []conversation.Message) []conversation.Message {
	var out []conversation.Message
	for _, m := range ms {
		if !m.Content.IsZero() {
			out = append(out, m)
		}
	}
	return out
}

func makeZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExportZipStreams(t *testing.T) {
	var convs []*conversation.Conversation
	for i := 0; i < 50; i++ {
		convs = append(convs, simpleConv(100+i, "c"))
	}
	st := newFakeStore(convs...)
	cw := &countWriter{w: io.Discard}
	var seen []int64
	_, err := ExportZip(context.Background(), cw, st.order, st.load, FormatMarkdown, Options{}, func(done, total int) {
		seen = append(seen, cw.n)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Bytes reach the writer while conversations are still being added,
	// not all at the end.
	if seen[49] == 0 || seen[49] <= seen[10] || cw.n <= seen[49] {
		t.Errorf("bytes written at progress 10, 40, 50 and end: %d %d %d %d", seen[10], seen[40], seen[49], cw.n)
	}
}
