//go:build !js

package store

// Tests of the SQLite index itself (the desktop's): damage, failure,
// ranking. The browser's index has its own in index_js_test.go.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
)

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

func TestRebuiltIndexFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir, 2)
	dropIndex(t, dir)
	openT(t, dir)
	for _, name := range []string{"index.db", "index.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", name, fi.Mode().Perm(), err)
		}
	}
}

func TestSearchRanksDenserMatchFirst(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	mustSave(t, s,
		newConv("passing", 9, "the weather today is mild, the river is calm, and the tomato plants grow slowly in the garden"),
		newConv("focused", 1, "tomato tomato tomato soup"),
	)
	p, err := s.Search(ctx, SearchQuery{Text: "tomato"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(hitTitles(p)); got != "[focused passing]" {
		t.Errorf("ranking = %s, want the denser match first (newer one second)", got)
	}
}

func TestSearchCommonWordsWalkNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	for i := 0; i < 6; i++ {
		mustSave(t, s, newConv(fmt.Sprintf("c%d", i), i, "kiwi fruit", "more kiwi", "unrelated"))
	}
	ix := s.cat.(*sqlIndex)
	// Ranked while every word is rare enough.
	p, err := s.Search(ctx, SearchQuery{Text: "kiwi"})
	if err != nil || p.Total != 6 || p.Capped {
		t.Fatalf("ranked search: total %d capped %v err %v", p.Total, p.Capped, err)
	}
	ix.rankLimit = 5 // "kiwi" is in 12 texts: too common to rank
	p, err = s.Search(ctx, SearchQuery{Text: "kiwi"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(hitTitles(p)); got != "[c5 c4 c3 c2 c1 c0]" || p.Capped || p.Total != 6 || p.More {
		t.Errorf("newest-first search = %s total %d capped %v more %v, want newest first, all 6, not capped",
			got, p.Total, p.Capped, p.More)
	}
	for _, h := range p.Items {
		if got := marked(h.Snippet); got != "more [kiwi]" || h.MessageID == "" {
			t.Errorf("snippet of %s = %q, want the newest matching message", h.Title, got)
		}
	}
	p, err = s.Search(ctx, SearchQuery{Text: "kiwi", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(hitTitles(p)); got != "[c5 c4]" || !p.Capped || p.Total != 3 || !p.More {
		t.Errorf("early stop = %s total %d capped %v more %v, want [c5 c4], at least 3, capped, more",
			got, p.Total, p.Capped, p.More)
	}
	p, err = s.Search(ctx, SearchQuery{Text: "kiwi", Limit: 2, Offset: 2})
	if got := fmt.Sprint(hitTitles(p)); err != nil || got != "[c3 c2]" || !p.More {
		t.Errorf("second page = %s more %v, %v; want [c3 c2], more", got, p.More, err)
	}
	p, err = s.Search(ctx, SearchQuery{Text: "kiwi", Offset: 10})
	if err != nil || len(p.Items) != 0 || p.More {
		t.Errorf("past the end = %+v, %v", p, err)
	}
	p, err = s.Search(ctx, SearchQuery{Text: "kiwi fruit"})
	if err != nil || len(p.Items) != 6 || marked(p.Items[0].Snippet) != "[kiwi] [fruit]" {
		t.Errorf("two-word search = %+v, %v", p.Items, err)
	}
}

// An index written before sources were indexed is rebuilt, so that a
// conversation imported then is found.
func TestOldIndexIsRebuiltWithSources(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	c := imported("old", 1, conversation.SourceChatGPT, "c-old", time.Time{})
	mustSave(t, s, c)
	s.Close()

	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, indexFileName)))
	if err != nil {
		t.Fatal(err)
	}
	// What an index of version 1 had: no source columns.
	for _, q := range []string{`UPDATE convs SET source_service = '', source_id = ''`, `PRAGMA user_version = 1`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s = openT(t, dir)
	if rep := s.OpenReport(); !rep.Rebuilt {
		t.Errorf("an index of version 1 was not rebuilt: %+v", rep)
	}
	if got, ok, err := s.FindSource(ctx, conversation.SourceChatGPT, "c-old"); err != nil || !ok || got.ID != c.ID {
		t.Errorf("after the rebuild: %+v, %v, %v", got, ok, err)
	}
}
