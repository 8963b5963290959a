package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestMemoryStoreKeepsNothingOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(testDir(t), "data")
	s := openT(t, dir, WithMemory())
	a, b := newConv("Alpha", 1, "hello world", "hi there"), newConv("Beta", 2, "the moon", "is far")
	mustSave(t, s, a, b)
	if err := s.Rename(ctx, a.ID, "Alpha renamed"); err != nil {
		t.Fatal(err)
	}
	page, err := s.List(ctx, ListQuery{})
	if err != nil || !reflect.DeepEqual(titles(page), []string{"Beta", "Alpha renamed"}) {
		t.Fatalf("list %v, %v", titles(page), err)
	}
	hits, err := s.Search(ctx, SearchQuery{Text: "moon"})
	if err != nil || len(hits.Items) != 1 || hits.Items[0].ID != b.ID {
		t.Fatalf("search %+v, %v", hits, err)
	}
	att, err := s.PutAttachment(ctx, "n.txt", "text/plain", []byte("note"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Attachment(ctx, att.ID); err != nil || string(got) != "note" {
		t.Fatalf("attachment %q, %v", got, err)
	}
	if err := s.Delete(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, b.ID); err == nil {
		t.Fatal("a deleted conversation is still there")
	}
	if _, err := statFile(t, dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the memory store touched the disk (or the browser's storage): %v", err)
	}

	// Another memory store, even of the same folder, shares nothing: a
	// second widget, or the same one after the page reloaded.
	other := openT(t, dir, WithMemory())
	if page, _ := other.List(ctx, ListQuery{}); len(page.Items) != 0 {
		t.Fatalf("a new memory store saw %v", titles(page))
	}
}

func TestMemoryFileIsWholeOnlyWhenClosed(t *testing.T) {
	m := newMemFS()
	if err := m.MkdirAll("/d", 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := m.OpenFile("/d/x.json", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	if b, _ := m.ReadFile("/d/x.json"); len(b) != 0 {
		t.Fatalf("an open file shows %q", b)
	}
	f.Write([]byte(" and whole"))
	f.Close()
	if b, _ := m.ReadFile("/d/x.json"); string(b) != "half and whole" {
		t.Fatalf("closed file %q", b)
	}
	if _, err := m.OpenFile("/d/x.json", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); !os.IsExist(err) {
		t.Fatalf("O_EXCL on an existing file: %v", err)
	}
	if err := m.Rename("/d/x.json", "/d/y.json"); err != nil {
		t.Fatal(err)
	}
	entries, _ := m.ReadDir("/d")
	if len(entries) != 1 || entries[0].Name() != "y.json" {
		t.Fatalf("entries %v", entries)
	}
	if info, _ := entries[0].Info(); info.Size() != int64(len("half and whole")) {
		t.Fatalf("size %d", info.Size())
	}
}
