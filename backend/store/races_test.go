package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// hookFS is a filesystem with callbacks after reads and renames, to
// run a second operation at the worst moment of a first.
type hookFS struct {
	fsys
	onRead   func(name string)
	onRename func(newpath string)
}

func (h *hookFS) unwrap() fsys { return h.fsys }

func (h *hookFS) ReadFile(name string) ([]byte, error) {
	b, err := h.fsys.ReadFile(name)
	if h.onRead != nil {
		h.onRead(name)
	}
	return b, err
}

func (h *hookFS) Rename(oldpath, newpath string) error {
	err := h.fsys.Rename(oldpath, newpath)
	if h.onRename != nil {
		h.onRename(newpath)
	}
	return err
}

func TestGetNeverQuarantinesAFileSavedMeanwhile(t *testing.T) {
	dir := testDir(t)
	h := &hookFS{fsys: testFS(t, dir)}
	s := openT(t, dir, withFS(h))
	c := newConv("hello", 1, "first")
	mustSave(t, s, c)
	<-s.Reconciled()
	writeFile(t, filepath.Join(dir, "conversations", c.ID+".json"), []byte("{broken"))
	fired := false
	h.onRead = func(name string) {
		if fired || !strings.Contains(name, c.ID) {
			return
		}
		fired = true
		c.Title = "saved meanwhile"
		if err := s.Save(context.Background(), c); err != nil {
			t.Errorf("save: %v", err)
		}
	}
	got, err := s.Get(context.Background(), c.ID)
	h.onRead = nil
	if err != nil || got.Title != "saved meanwhile" {
		t.Fatalf("Get = %v, %v; want the file saved meanwhile", got, err)
	}
	if q := s.OpenReport().Quarantined; len(q) != 0 {
		t.Fatalf("a good file went to quarantine: %+v", q)
	}
}

func TestSaveCancelledAfterTheWriteStaysListed(t *testing.T) {
	dir := testDir(t)
	h := &hookFS{fsys: testFS(t, dir)}
	s := openT(t, dir, withFS(h))
	<-s.Reconciled()
	ctx, cancel := context.WithCancel(context.Background())
	c := newConv("new one", 1, "text")
	h.onRename = func(n string) {
		if strings.HasSuffix(n, c.ID+".json") {
			cancel()
		}
	}
	err := s.Save(ctx, c)
	h.onRename = nil
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Save: %v", err)
	}
	if _, err := s.Get(context.Background(), c.ID); err != nil {
		t.Fatalf("the written file cannot be read back: %v", err)
	}
	p, err := s.List(context.Background(), ListQuery{})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != c.ID {
		t.Fatalf("List = %+v, %v; the saved conversation must be listed", p.Items, err)
	}
}

func TestFileDamagedWhileClosedLeavesTheList(t *testing.T) {
	dir := testDir(t)
	s := openT(t, dir)
	good, victim := newConv("good", 1, "a"), newConv("victim", 2, "b")
	mustSave(t, s, good, victim)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Damaged behind the app's back: another size, so reconcile reads it.
	writeFile(t, filepath.Join(dir, "conversations", victim.ID+".json"), []byte("{broken, and longer than before"))
	s2, err := openStore(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	<-s2.Reconciled()
	p, err := s2.List(context.Background(), ListQuery{})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != good.ID {
		t.Fatalf("List = %v, %v; want only the good conversation", titles(p), err)
	}
	if q := s2.OpenReport().Quarantined; len(q) != 1 || !strings.HasPrefix(q[0].File, victim.ID) {
		t.Fatalf("quarantined %+v", q)
	}
}

func TestFileFromANewerMurmurIsLeftAlone(t *testing.T) {
	dir := testDir(t)
	s := openT(t, dir)
	old, future := newConv("old", 1, "a"), newConv("future", 2, "b")
	mustSave(t, s, old, future)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "conversations", future.ID+".json")
	b, err := readFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	newer := strings.Replace(string(b), `"version":1`, `"version":2`, 1)
	if newer == string(b) {
		t.Fatal("test file has no version 1 member")
	}
	writeFile(t, path, []byte(newer))
	s2, err := openStore(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	<-s2.Reconciled()
	rep := s2.OpenReport()
	if len(rep.Quarantined) != 0 || len(rep.Newer) != 1 || rep.Newer[0] != future.ID {
		t.Fatalf("report %+v: the newer file must be reported, not quarantined", rep)
	}
	if p, _ := s2.List(context.Background(), ListQuery{}); len(p.Items) != 1 || p.Items[0].ID != old.ID {
		t.Fatalf("List = %v", titles(p))
	}
	if _, err := s2.Get(context.Background(), future.ID); !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "update Murmur") {
		t.Fatalf("Get = %v", err)
	}
	if err := s2.Rename(context.Background(), future.ID, "x"); !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("Rename of a newer file = %v, want it refused", err)
	}
	if after, _ := readFile(t, path); string(after) != newer {
		t.Fatal("the newer file was changed")
	}
}
