package store

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"murmur/backend/conversation"
)

// faultFS is a filesystem with failures injected on demand, and a record
// of the files read.
type faultFS struct {
	fsys
	mu    sync.Mutex
	fail  map[string]error // by operation: mkdir create write sync close rename syncdir remove
	reads []string
}

func newFaultFS(base fsys) *faultFS { return &faultFS{fsys: base, fail: map[string]error{}} }

func (f *faultFS) unwrap() fsys { return f.fsys }

func (f *faultFS) set(op string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.fail, op)
	} else {
		f.fail[op] = err
	}
}

func (f *faultFS) err(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fail[op]
}

func (f *faultFS) readCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reads)
}

func (f *faultFS) OpenFile(name string, flag int, perm os.FileMode) (file, error) {
	if err := f.err("create"); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	real, err := f.fsys.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{file: real, fs: f}, nil
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	f.reads = append(f.reads, filepath.Base(name))
	f.mu.Unlock()
	return f.fsys.ReadFile(name)
}

func (f *faultFS) Rename(oldpath, newpath string) error {
	if err := f.err("rename"); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return f.fsys.Rename(oldpath, newpath)
}

func (f *faultFS) MkdirAll(name string, perm os.FileMode) error {
	if err := f.err("mkdir"); err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	return f.fsys.MkdirAll(name, perm)
}

func (f *faultFS) Remove(name string) error {
	if err := f.err("remove"); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return f.fsys.Remove(name)
}

func (f *faultFS) SyncDir(dir string) error {
	if err := f.err("syncdir"); err != nil {
		return err
	}
	return f.fsys.SyncDir(dir)
}

type faultFile struct {
	file
	fs *faultFS
}

// Write fails after writing half of the data, as a full disk does.
func (w *faultFile) Write(p []byte) (int, error) {
	if err := w.fs.err("write"); err != nil {
		n, _ := w.file.Write(p[:len(p)/2])
		return n, &fs.PathError{Op: "write", Path: w.Name(), Err: err}
	}
	return w.file.Write(p)
}

func (w *faultFile) Sync() error {
	if err := w.fs.err("sync"); err != nil {
		return &fs.PathError{Op: "sync", Path: w.Name(), Err: err}
	}
	return w.file.Sync()
}

func (w *faultFile) Close() error {
	err := w.file.Close()
	if ferr := w.fs.err("close"); ferr != nil {
		return &fs.PathError{Op: "close", Path: w.Name(), Err: ferr}
	}
	return err
}

func convPath(dir, id string) string { return filepath.Join(dir, "conversations", id+".json") }

func readRaw(t *testing.T, dir, id string) string {
	t.Helper()
	b, err := readFile(t, convPath(dir, id))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dirNames lists a folder, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es := readDir(t, dir)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestQuarantineDamagedFilesOthersStillLoad(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		dir := testDir(t)
		s := openT(t, dir, opts...)
		good := newConv("good", 1, "fine")
		other := newConv("other", 2, "x")
		mustSave(t, s, good)
		s.Close()

		cdir := filepath.Join(dir, "conversations")
		wrongID := newConv("wrong", 1, "x")
		b, _ := json.Marshal(wrongID)
		badSchema := strings.Replace(mustJSON(t, other), `"role":"user"`, `"role":"wizard"`, 1)
		files := map[string]string{
			conversation.NewID() + ".json": `{"format":"murmur.conversation","version":1,"id":`, // truncated
			conversation.NewID() + ".json": "",
			conversation.NewID() + ".json": string(b), // holds another id
			other.ID + ".json":             badSchema,
			"notes.json":                   `{}`,
		}
		for name, body := range files {
			writeFile(t, filepath.Join(cdir, name), []byte(body))
		}
		writeFile(t, filepath.Join(cdir, "README.txt"), []byte("left alone"))
		s = openT(t, dir, opts...)
		rep := s.OpenReport()
		if len(rep.Quarantined) != len(files) {
			t.Fatalf("quarantined %d files, want %d: %+v", len(rep.Quarantined), len(files), rep.Quarantined)
		}
		for _, q := range rep.Quarantined {
			if _, ok := files[q.File]; !ok || q.Reason == "" {
				t.Errorf("unexpected quarantine entry %+v", q)
			}
			body, err := readFile(t, q.MovedTo)
			if err != nil || string(body) != files[q.File] {
				t.Errorf("quarantined %s content changed or missing: %v", q.File, err)
			}
			note, err := readFile(t, q.MovedTo+".reason.txt")
			if err != nil || !strings.Contains(string(note), q.Reason) {
				t.Errorf("reason note of %s: %q, %v", q.File, note, err)
			}
			if q.File == other.ID+".json" && !strings.Contains(q.Reason, "wizard") {
				t.Errorf("reason for the bad role does not name it: %q", q.Reason)
			}
		}
		want := []string{"README.txt", good.ID + ".json"}
		sort.Strings(want)
		if got := dirNames(t, cdir); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("conversations folder = %v", got)
		}
		p, err := s.List(ctx, ListQuery{})
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != good.ID {
			t.Errorf("list = %+v, %v; want only the good conversation", p.Items, err)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileDamagedAfterOpenIsQuarantinedOnGet(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		dir := testDir(t)
		s := openT(t, dir, opts...)
		c := newConv("soon broken", 1, "x")
		mustSave(t, s, c)
		writeFile(t, convPath(dir, c.ID), []byte("{oops"))
		if _, err := s.Get(ctx, c.ID); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Get of a damaged file: %v, want ErrCorrupt", err)
		}
		if q := s.OpenReport().Quarantined; len(q) != 1 || q[0].File != c.ID+".json" {
			t.Errorf("report = %+v", q)
		}
		if p, _ := s.List(ctx, ListQuery{}); len(p.Items) != 0 {
			t.Errorf("the quarantined conversation is still listed")
		}
	})
}

func TestStreamingMessageBecomesInterruptedAtOpen(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		dir := testDir(t)
		s := openT(t, dir, opts...)
		c := newConv("crashed", 1, "tell me a story")
		m := c.Append(conversation.Message{Role: conversation.RoleAssistant, Status: conversation.StatusStreaming,
			Content: conversation.TextContent("Once upon"), CreatedAt: t0})
		done := newConv("finished", 2, "hi", "hello")
		mustSave(t, s, c, done)
		partial := *m
		partial.Content = conversation.TextContent("Once upon a time")
		if err := s.UpdateMessage(ctx, c.ID, partial); err != nil {
			t.Fatal(err)
		}
		doneBefore := readRaw(t, dir, done.ID)
		// The process dies here: no Close, but the lock must go; simulate by Close
		// (the file on disk is exactly what a crash would leave).
		s.Close()

		s = openT(t, dir, opts...)
		if got := s.OpenReport().Recovered; len(got) != 1 || got[0] != c.ID {
			t.Errorf("Recovered = %v, want [%s]", got, c.ID)
		}
		back, err := s.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		bm := back.Message(m.ID)
		if bm.Status != conversation.StatusInterrupted || bm.Content.PlainText() != "Once upon a time" {
			t.Errorf("message after open: status %s text %q", bm.Status, bm.Content.PlainText())
		}
		if readRaw(t, dir, done.ID) != doneBefore {
			t.Errorf("an unaffected conversation was rewritten")
		}
		s.Close()
		s = openT(t, dir, opts...)
		if got := s.OpenReport().Recovered; len(got) != 0 {
			t.Errorf("recovered again on the next open: %v", got)
		}
	})
}

func TestUpdateMessageCheckpoint(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
		c := newConv("stream", 1, "question")
		c.Extra = map[string]json.RawMessage{"x_future": json.RawMessage(`[1,2]`)}
		m := c.Append(conversation.Message{Role: conversation.RoleAssistant, Status: conversation.StatusStreaming,
			CreatedAt: t0})
		mustSave(t, s, c)
		msg := *m
		for _, text := range []string{"alpha", "alpha beta", "alpha beta gamma"} {
			msg.Content = conversation.TextContent(text)
			if err := s.UpdateMessage(ctx, c.ID, msg); err != nil {
				t.Fatal(err)
			}
		}
		msg.Status = conversation.StatusComplete
		msg.FinishReason = "stop"
		if err := s.UpdateMessage(ctx, c.ID, msg); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		gm := got.Message(m.ID)
		if gm.Content.PlainText() != "alpha beta gamma" || gm.Status != conversation.StatusComplete || gm.FinishReason != "stop" {
			t.Errorf("message = %+v", gm)
		}
		if string(got.Extra["x_future"]) != `[1,2]` {
			t.Errorf("unknown field lost in the checkpoint: %v", got.Extra)
		}
		p, _ := s.Search(ctx, SearchQuery{Text: "gamma"})
		if len(p.Items) != 1 || p.Items[0].MessageID != m.ID {
			t.Errorf("search for the streamed text = %+v", p.Items)
		}
		l, _ := s.List(ctx, ListQuery{})
		if len(l.Items) != 1 || l.Items[0].Preview != "alpha beta gamma" || l.Items[0].MessageCount != 2 {
			t.Errorf("list row after the checkpoint = %+v", l.Items)
		}
		ghost := msg
		ghost.ID = "no-such-message"
		if err := s.UpdateMessage(ctx, c.ID, ghost); !errors.Is(err, ErrNotFound) {
			t.Errorf("update of a missing message: %v, want ErrNotFound", err)
		}
		if err := s.UpdateMessage(ctx, conversation.NewID(), msg); !errors.Is(err, ErrNotFound) {
			t.Errorf("update in a missing conversation: %v, want ErrNotFound", err)
		}
		bad := msg
		bad.Status = "exploded"
		if err := s.UpdateMessage(ctx, c.ID, bad); !errors.Is(err, conversation.ErrInvalid) {
			t.Errorf("update with an invalid status: %v, want ErrInvalid", err)
		}
	})
}

func TestWriteFailuresKeepThePreviousVersion(t *testing.T) {
	for _, tc := range []struct {
		op    string
		err   error
		class error
		text  string
	}{
		{"create", errNoSpace, ErrDiskFull, "the disk is full"},
		{"write", errNoSpace, ErrDiskFull, "the disk is full"},
		{"sync", errIO, nil, "flush"},
		{"close", errNoSpace, ErrDiskFull, "the disk is full"},
		{"rename", errReadOnlyFS, ErrReadOnly, "read-only"},
		{"create", errAccess, ErrPermission, "permission denied"},
		{"rename", errAccess, ErrPermission, "permission denied"},
	} {
		t.Run(tc.op+"_"+tc.text, func(t *testing.T) {
			ctx := context.Background()
			dir := testDir(t)
			ffs := newFaultFS(testFS(t, dir))
			s := openT(t, dir, withFS(ffs))
			c := newConv("version one", 1, "first")
			mustSave(t, s, c)
			before := readRaw(t, dir, c.ID)

			ffs.set(tc.op, tc.err)
			c.Title = "version two"
			err := s.Save(ctx, c)
			if err == nil {
				t.Fatal("Save succeeded despite the fault")
			}
			if tc.class != nil && !errors.Is(err, tc.class) {
				t.Errorf("error %v is not %v", err, tc.class)
			}
			for _, want := range []string{c.ID, tc.text, "previous version is intact"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if err := s.Rename(ctx, c.ID, "renamed"); err == nil {
				t.Error("Rename succeeded despite the fault")
			}
			if err := s.UpdateMessage(ctx, c.ID, c.Messages[0]); err == nil {
				t.Error("UpdateMessage succeeded despite the fault")
			}
			if after := readRaw(t, dir, c.ID); after != before {
				t.Errorf("file changed by a failed save:\n%s\nwant\n%s", after, before)
			}
			if names := dirNames(t, filepath.Join(dir, "conversations")); len(names) != 1 {
				t.Errorf("leftovers in the folder: %v", names)
			}
			if p, _ := s.List(ctx, ListQuery{}); p.Items[0].Title != "version one" {
				t.Errorf("list shows %q after a failed save", p.Items[0].Title)
			}
			ffs.set(tc.op, nil)
			if err := s.Save(ctx, c); err != nil {
				t.Fatalf("Save after the fault cleared: %v", err)
			}
			if p, _ := s.List(ctx, ListQuery{}); p.Items[0].Title != "version two" {
				t.Errorf("list shows %q after the retry", p.Items[0].Title)
			}
		})
	}
}

func TestDeleteFailureKeepsConversation(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	ffs := newFaultFS(testFS(t, dir))
	s := openT(t, dir, withFS(ffs))
	c := newConv("keep me", 1, "x")
	mustSave(t, s, c)
	ffs.set("remove", errReadOnlyFS)
	if err := s.Delete(ctx, c.ID); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Delete on a read-only folder: %v, want ErrReadOnly", err)
	}
	if p, _ := s.List(ctx, ListQuery{}); len(p.Items) != 1 {
		t.Errorf("conversation vanished from the list after a failed delete")
	}
}

func TestOpenOnReadOnlyFolderSaysSo(t *testing.T) {
	dir := filepath.Join(testDir(t), "murmur")
	ffs := newFaultFS(testFS(t, dir))
	ffs.set("mkdir", errReadOnlyFS)
	_, err := openStore(t, dir, withFS(ffs))
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("Open = %v, want a read-only error", err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := testDir(t)
	s := openT(t, dir)
	_, err := openStore(t, dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), lockedText) {
		t.Errorf("error text %q does not explain", err)
	}
	s.Close()
	s2, err := openStore(t, dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s := openT(t, testDir(t))
	c := newConv("x", 1, "y")
	mustSave(t, s, c)
	s.Close()
	if _, err := s.List(ctx, ListQuery{}); !errors.Is(err, ErrClosed) {
		t.Errorf("List after Close: %v", err)
	}
	if err := s.Save(ctx, c); !errors.Is(err, ErrClosed) {
		t.Errorf("Save after Close: %v", err)
	}
	if _, err := s.Get(ctx, c.ID); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close: %v", err)
	}
}

func TestSaveRejectsInvalidDocument(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	s := openT(t, dir)
	c := newConv("x", 1, "y")
	c.Messages[0].ParentID = "nowhere"
	if err := s.Save(ctx, c); !errors.Is(err, conversation.ErrInvalid) {
		t.Errorf("Save of an invalid document: %v", err)
	}
	if names := dirNames(t, filepath.Join(dir, "conversations")); len(names) != 0 {
		t.Errorf("an invalid document was written: %v", names)
	}
	c2 := newConv("x", 1, "y")
	c2.ID = "../../escape"
	if err := s.Save(ctx, c2); !errors.Is(err, ErrInvalidID) {
		t.Errorf("Save with a path as id: %v", err)
	}
}
