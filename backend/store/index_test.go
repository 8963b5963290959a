package store

import (
	"context"
	"fmt"
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
	dir := testDir(t)
	seed(t, dir, 8)
	ffs := newFaultFS(testFS(t, dir))
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
	dir := testDir(t)
	cs := seed(t, dir, 5)

	// Changed: new title, same folder entry.
	c1 := cs[1]
	c1.Title = "edited by hand"
	writeFile(t, convPath(dir, c1.ID), []byte(mustJSON(t, c1)))
	// Changed with the same size: only the modification time tells.
	c2 := cs[2]
	c2.Title = "c2x" // same length as "c02"
	writeFile(t, convPath(dir, c2.ID), []byte(mustJSON(t, c2)))
	setMtime(t, convPath(dir, c2.ID), time.Now().Add(time.Hour))
	// Removed.
	if err := removeFile(t, convPath(dir, cs[3].ID)); err != nil {
		t.Fatal(err)
	}
	// Added (e.g. copied from another machine).
	added := newConv("copied in", 9, "a penguin appears")
	writeFile(t, convPath(dir, added.ID), []byte(mustJSON(t, added)))

	ffs := newFaultFS(testFS(t, dir))
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
	dir := testDir(t)
	seed(t, dir, 6)
	dropIndex(t, dir)
	s := openT(t, dir)
	rep := s.OpenReport()
	if !rep.Rebuilt || rep.Reindexed != 6 || rep.IndexError != "" {
		t.Errorf("report = %+v, want a rebuild of 6", rep)
	}
	if got := listTitles(t, s); got != "c00 c01 c02 c03 c04 c05" {
		t.Errorf("list = %s", got)
	}
	if p, _ := s.Search(context.Background(), SearchQuery{Text: "walrus4"}); len(p.Items) != 1 {
		t.Errorf("search after rebuild = %+v", p.Items)
	}
}

func TestResaveReindexesChangedAndRemovedTexts(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
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
