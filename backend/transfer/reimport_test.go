package transfer

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

// findSource is the fake store's answer to ImportOptions.FindSource, with
// the store's rule: the newest conversation of that source, and a
// conversation is the Murmur source of itself.
func (s *fakeStore) findSource(_ context.Context, service, id string) (Existing, bool, error) {
	var best *conversation.Conversation
	for _, cid := range s.order {
		c := s.convs[cid]
		if c.Source != nil && c.Source.Service == service && c.Source.ID == id && (best == nil || c.UpdatedAt.After(best.UpdatedAt)) {
			best = c
		}
	}
	if best != nil {
		return Existing{ID: best.ID, SourceUpdated: best.Source.UpdatedAt}, true, nil
	}
	if c, ok := s.convs[id]; ok && service == conversation.SourceMurmur {
		return Existing{ID: c.ID, SourceUpdated: c.UpdatedAt}, true, nil
	}
	return Existing{}, false, nil
}

// replace saves c over the conversation of the same id (what the store's
// Save does); a new id is added.
func (s *fakeStore) replace(_ context.Context, c *conversation.Conversation) error {
	if _, ok := s.convs[c.ID]; !ok {
		s.order = append(s.order, c.ID)
	}
	s.convs[c.ID] = c
	return nil
}

func importInto(t *testing.T, st *fakeStore, data []byte, name string, opts ImportOptions) Result {
	t.Helper()
	opts.FindSource = st.findSource
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	sink := st.save
	if opts.ReplaceNewer {
		sink = st.replace
	}
	res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), name, sink, opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

// Importing any export a second time adds nothing: each conversation is
// found by its source id and counted as already imported.
func TestReimportAddsNothing(t *testing.T) {
	for _, rel := range importFixtures {
		t.Run(rel, func(t *testing.T) {
			data, name := fixtureBytes(t, rel)
			st := newFakeStore()
			first := importInto(t, st, data, name, ImportOptions{Attachments: newFakeAttachments()})
			n := len(st.order)
			if n == 0 || len(first.Imported) != n {
				t.Fatalf("first import: %d conversations, result lists %d", n, len(first.Imported))
			}
			for _, id := range st.order {
				if st.convs[id].Source == nil {
					t.Errorf("%q has no source to be found by", st.convs[id].Title)
				}
			}
			again := importInto(t, st, data, name, ImportOptions{Attachments: newFakeAttachments()})
			if len(st.order) != n {
				t.Errorf("after importing again: %d conversations, want %d", len(st.order), n)
			}
			if again.AlreadyImported != n || len(again.Imported) != 0 {
				t.Errorf("second import: %d imported, already imported %d; want 0 and %d", len(again.Imported), again.AlreadyImported, n)
			}
			if !strings.Contains(again.Summary(name), "already imported: ") {
				t.Errorf("summary %q does not say what was already here", again.Summary(name))
			}
		})
	}
}

// The export of a Murmur conversation imported into the Murmur it came from
// is already here; into another Murmur, once.
func TestReimportMurmurBackup(t *testing.T) {
	ctx := context.Background()
	home := newFakeStore(fixture())
	var buf bytes.Buffer
	if _, err := ExportZip(ctx, &buf, home.order, home.load, FormatJSON, Options{Now: fixedNow}, nil); err != nil {
		t.Fatal(err)
	}
	res := importInto(t, home, buf.Bytes(), "backup.zip", ImportOptions{})
	if len(home.order) != 1 || res.AlreadyImported != 1 {
		t.Fatalf("into its own Murmur: %d conversations, already imported %d", len(home.order), res.AlreadyImported)
	}
	other := newFakeStore()
	importInto(t, other, buf.Bytes(), "backup.zip", ImportOptions{})
	res = importInto(t, other, buf.Bytes(), "backup.zip", ImportOptions{})
	if len(other.order) != 1 || res.AlreadyImported != 1 {
		t.Fatalf("twice into another Murmur: %d conversations, already imported %d", len(other.order), res.AlreadyImported)
	}
	if src := other.convs[other.order[0]].Source; src == nil || src.Service != conversation.SourceMurmur || src.ID != fid(1) {
		t.Errorf("source = %+v", src)
	}
	// An export of the re-imported copy still names the original.
	var again bytes.Buffer
	if err := Export(ctx, &again, other.convs[other.order[0]], FormatJSON, Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	res = importInto(t, home, again.Bytes(), "copy.json", ImportOptions{})
	if len(home.order) != 1 || res.AlreadyImported != 1 {
		t.Errorf("the copy of a copy came back as new: %d conversations", len(home.order))
	}
}

// With ReplaceNewer, a conversation the service changed since the last
// import replaces that import (same id); one that did not change is
// already imported.
func TestReimportReplacesNewer(t *testing.T) {
	conv := func(update float64, answer string) []byte {
		return []byte(`[{"title":"Changing","id":"conv-x","create_time":1700000000,"update_time":` + jsonNum(update) + `,"current_node":"a","mapping":{
		"u":{"parent":null,"message":{"author":{"role":"user"},"create_time":1700000000,"content":{"content_type":"text","parts":["q"]}}},
		"a":{"parent":"u","message":{"author":{"role":"assistant"},"create_time":1700000001,"content":{"content_type":"text","parts":["` + answer + `"]}}}}},
		{"title":"Stable","id":"conv-y","create_time":1700000000,"update_time":1700000000,"mapping":{
		"u":{"parent":null,"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["same"]}}}}}]`)
	}
	st := newFakeStore()
	importInto(t, st, conv(1700000001, "old answer"), "c.json", ImportOptions{})
	firstID := st.order[0]
	res := importInto(t, st, conv(1700009999, "new answer"), "c.json", ImportOptions{})
	if res.AlreadyImported != 2 || len(st.order) != 2 {
		t.Fatalf("without ReplaceNewer: already imported %d, %d conversations", res.AlreadyImported, len(st.order))
	}
	res = importInto(t, st, conv(1700009999, "new answer"), "c.json", ImportOptions{ReplaceNewer: true})
	if len(st.order) != 2 || res.AlreadyImported != 1 || len(res.Imported) != 1 || !res.Imported[0].Replaced || res.Imported[0].ID != firstID {
		t.Fatalf("with ReplaceNewer: %d conversations, result %+v", len(st.order), res)
	}
	if got := texts(st.convs[firstID].Path()); got != "user:q|assistant:new answer" {
		t.Errorf("replaced conversation = %q", got)
	}
	if !strings.Contains(res.Summary("c.json"), "1 older import replaced") {
		t.Errorf("summary = %q", res.Summary("c.json"))
	}
	// The same again is not newer any more.
	res = importInto(t, st, conv(1700009999, "new answer"), "c.json", ImportOptions{ReplaceNewer: true})
	if res.AlreadyImported != 2 || len(res.Imported) != 0 {
		t.Errorf("a third time: %+v", res)
	}
}

func jsonNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// One export holding a conversation twice imports it once.
func TestImportTakesOneSourceOnce(t *testing.T) {
	one := `{"title":"Twice","id":"dup-1","mapping":{"u":{"parent":null,"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["hi"]}}}}}`
	data := []byte("[" + one + "," + one + "]")
	res, st, err := importBytes(t, data, "c.json", ImportOptions{})
	if err != nil || len(st.order) != 1 || res.AlreadyImported != 1 {
		t.Fatalf("err %v, %d imported, already imported %d", err, len(st.order), res.AlreadyImported)
	}
}

// A failing lookup stops the import rather than adding duplicates.
func TestImportStopsWhenTheLookupFails(t *testing.T) {
	data, _ := fixtureBytes(t, "chatgpt/vintage-2023-03.json")
	down := errors.New("index unavailable")
	st := newFakeStore()
	_, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "c.json", st.save, ImportOptions{
		FindSource: func(context.Context, string, string) (Existing, bool, error) { return Existing{}, false, down },
	})
	if !errors.Is(err, down) || len(st.order) != 0 {
		t.Fatalf("err %v, %d imported", err, len(st.order))
	}
	if strings.Count(err.Error(), "look up") != 1 {
		t.Errorf("error %q", err)
	}
}
