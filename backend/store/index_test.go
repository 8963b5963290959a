package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
)

// seed saves n conversations and closes the store.
func seed(t *testing.T, dir string, n int) []*conversation.Conversation {
	t.Helper()
	s := openT(t, dir)
	var cs []*conversation.Conversation
	for i := 0; i < n; i++ {
		c := newConv(fmt.Sprintf("c%02d", i), i, fmt.Sprintf("message number %d about walrus%d", i, i))
		cs = append(cs, c)
	}
	mustSave(t, s, cs...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return cs
}

func listTitles(t *testing.T, s *Store) string {
	t.Helper()
	p, err := s.List(context.Background(), ListQuery{Archived: ArchivedInclude, Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	ts := titles(p)
	sort.Strings(ts)
	return strings.Join(ts, " ")
}

func TestReopenReadsNoUnchangedFile(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir, 8)
	ffs := newFaultFS()
	s := openT(t, dir, withFS(ffs))
	rep := s.OpenReport()
	if n := ffs.readCount(); n != 0 {
		t.Errorf("reopen read %d files (%v), want 0", n, ffs.reads)
	}
	if rep.Conversations != 8 || rep.Reindexed != 0 || rep.Rebuilt {
		t.Errorf("report = %+v", rep)
	}
	if got := listTitles(t, s); got != "c00 c01 c02 c03 c04 c05 c06 c07" {
		t.Errorf("list = %s", got)
	}
}

func TestChangesBehindTheAppsBackAreReconciled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cs := seed(t, dir, 5)

	// Changed: new title, same folder entry.
	c1 := cs[1]
	c1.Title = "edited by hand"
	if err := os.WriteFile(convPath(dir, c1.ID), []byte(mustJSON(t, c1)), 0o600); err != nil {
		t.Fatal(err)
	}
	// Changed with the same size: only the modification time tells.
	c2 := cs[2]
	c2.Title = "c2x" // same length as "c02"
	if err := os.WriteFile(convPath(dir, c2.ID), []byte(mustJSON(t, c2)), 0o600); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(convPath(dir, c2.ID), future, future); err != nil {
		t.Fatal(err)
	}
	// Removed.
	if err := os.Remove(convPath(dir, cs[3].ID)); err != nil {
		t.Fatal(err)
	}
	// Added (e.g. copied from another machine).
	added := newConv("copied in", 9, "a penguin appears")
	if err := os.WriteFile(convPath(dir, added.ID), []byte(mustJSON(t, added)), 0o600); err != nil {
		t.Fatal(err)
	}

	ffs := newFaultFS()
	s := openT(t, dir, withFS(ffs))
	rep := s.OpenReport()
	if rep.Reindexed != 3 || rep.Removed != 1 || rep.Conversations != 5 {
		t.Errorf("report = %+v, want 3 reindexed, 1 removed, 5 conversations", rep)
	}
	reads := append([]string(nil), ffs.reads...)
	sort.Strings(reads)
	want := []string{c1.ID + ".json", c2.ID + ".json", added.ID + ".json"}
	sort.Strings(want)
	if fmt.Sprint(reads) != fmt.Sprint(want) {
		t.Errorf("files read = %v, want only the changed ones %v", reads, want)
	}
	if got := listTitles(t, s); got != "c00 c04 c2x copied in edited by hand" {
		t.Errorf("list = %s", got)
	}
	p, err := s.Search(ctx, SearchQuery{Text: "walrus3"})
	if err != nil || len(p.Items) != 0 {
		t.Errorf("search finds the removed conversation: %+v %v", p.Items, err)
	}
	p, err = s.Search(ctx, SearchQuery{Text: "penguin"})
	if err != nil || len(p.Items) != 1 {
		t.Errorf("search misses the added conversation: %+v %v", p.Items, err)
	}
}

func TestDeletedIndexIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir, 6)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(dir, "index.db"+suffix))
	}
	s := openT(t, dir)
	rep := s.OpenReport()
	if !rep.Rebuilt || rep.Reindexed != 6 || rep.IndexError != "" {
		t.Errorf("report = %+v, want a rebuild of 6", rep)
	}
	if got := listTitles(t, s); got != "c00 c01 c02 c03 c04 c05" {
		t.Errorf("list = %s", got)
	}
	for _, name := range []string{"index.db", "index.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", name, fi.Mode().Perm(), err)
		}
	}
	if p, _ := s.Search(context.Background(), SearchQuery{Text: "walrus4"}); len(p.Items) != 1 {
		t.Errorf("search after rebuild = %+v", p.Items)
	}
}

func TestDamagedIndexIsRebuilt(t *testing.T) {
	for name, damage := range map[string]func(path string) error{
		"garbage": func(p string) error {
			return os.WriteFile(p, []byte(strings.Repeat("this is not a database ", 400)), 0o600)
		},
		"truncated": func(p string) error { return os.Truncate(p, 1000) },
		"old version": func(p string) error {
			ix, _, err := openSQLIndex(context.Background(), p)
			if err != nil {
				return err
			}
			defer ix.close()
			_, err = ix.db.Exec(`PRAGMA user_version = 999`)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			seed(t, dir, 4)
			path := filepath.Join(dir, "index.db")
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
			if err := damage(path); err != nil {
				t.Fatal(err)
			}
			s := openT(t, dir)
			if rep := s.OpenReport(); !rep.Rebuilt || rep.IndexError != "" {
				t.Errorf("report = %+v, want a clean rebuild", rep)
			}
			if s.Health() != nil {
				t.Errorf("Health = %v", s.Health())
			}
			if got := listTitles(t, s); got != "c00 c01 c02 c03" {
				t.Errorf("list = %s", got)
			}
		})
	}
}

func TestUnusableIndexFallsBackToFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	seed(t, dir, 3)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(dir, "index.db"+suffix))
	}
	// A folder where index.db should be: it can be neither opened nor removed.
	if err := os.MkdirAll(filepath.Join(dir, "index.db", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	s := openT(t, dir)
	if s.Health() == nil || s.OpenReport().IndexError == "" {
		t.Errorf("an unusable index is not reported")
	}
	if got := listTitles(t, s); got != "c00 c01 c02" {
		t.Errorf("list = %s", got)
	}
	added := newConv("new one", 5, "zebra crossing")
	mustSave(t, s, added)
	if p, err := s.Search(ctx, SearchQuery{Text: "zebr"}); err != nil || len(p.Items) != 1 {
		t.Errorf("search without index = %+v, %v", p.Items, err)
	}
	if got := listTitles(t, s); got != "c00 c01 c02 new one" {
		t.Errorf("list = %s", got)
	}
}

func TestIndexFailureWhileRunningHidesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	seed(t, dir, 3)
	s := openT(t, dir)
	<-s.Reconciled()
	ix := s.cat.(*sqlIndex)
	ix.db.Close() // every further index call fails

	if got := listTitles(t, s); got != "c00 c01 c02" {
		t.Errorf("list after the index failed = %s", got)
	}
	if s.Health() == nil {
		t.Error("Health does not report the failed index")
	}
	c := newConv("after failure", 7, "okapi")
	mustSave(t, s, c)
	if p, err := s.Search(ctx, SearchQuery{Text: "okapi"}); err != nil || len(p.Items) != 1 {
		t.Errorf("search = %+v, %v", p.Items, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.stale")); err != nil {
		t.Errorf("the index is not marked stale: %v", err)
	}
	s.Close()
	// Next start: the index is reconciled with what was saved meanwhile,
	// before the list is served.
	s = openT(t, dir)
	if s.Health() != nil {
		t.Errorf("Health after reopen = %v", s.Health())
	}
	if got := listTitles(t, s); got != "after failure c00 c01 c02" {
		t.Errorf("list after reopen = %s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.stale")); err == nil {
		t.Errorf("the stale mark is still there after reconciling")
	}
}

func TestIndexFailureDuringSaveHidesNothing(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir, 2)
	s := openT(t, dir)
	<-s.Reconciled()
	s.cat.(*sqlIndex).db.Close()
	c := newConv("saved while broken", 3, "x")
	if err := s.Save(context.Background(), c); err != nil {
		t.Fatalf("Save with a broken index: %v (the file is what matters)", err)
	}
	if got := listTitles(t, s); got != "c00 c01 saved while broken" {
		t.Errorf("list = %s", got)
	}
}

func TestResaveReindexesChangedAndRemovedTexts(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, t.TempDir(), opts...)
		c := newConv("Animals", 1, "first about llamas", "second about alpacas", "third about vicunas")
		mustSave(t, s, c)
		c.Messages = c.Messages[:2] // third removed
		c.CurrentID = c.Messages[1].ID
		c.Messages[0].Content = conversation.TextContent("first about guanacos") // edited
		c.Title = "Camelids"
		mustSave(t, s, c)
		for q, want := range map[string]int{"llamas": 0, "vicunas": 0, "guanacos": 1, "alpacas": 1, "camelids": 1, "animals": 0} {
			p, err := s.Search(ctx, SearchQuery{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != want {
				t.Errorf("Search(%q) = %d hits, want %d", q, len(p.Items), want)
			}
		}
	})
}
