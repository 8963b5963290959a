//go:build js && wasm

package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"murmur/backend/browserdb"
	"murmur/backend/conversation"
)

func TestTheBrowserStoreKeepsItsIndex(t *testing.T) {
	dir := testDir(t)
	seed(t, dir, 5)
	s := openT(t, dir)
	<-s.Reconciled()
	if _, ok := s.cat.(*idbIndex); !ok || s.Health() != nil {
		t.Fatalf("catalog %T, health %v: want the browser index, healthy", s.cat, s.Health())
	}
	if rep := s.OpenReport(); rep.Conversations != 5 || rep.Reindexed != 0 || rep.Rebuilt || rep.IndexError != "" {
		t.Errorf("report = %+v", rep)
	}
}

// putRaw writes value under the index key of name (a conversation's file
// name, and what follows) in dir.
func putRaw(t *testing.T, dir, store, name string, value []byte) {
	t.Helper()
	f := newIDBFS(testDB(t, dir))
	err := f.update([]string{store}, func(tx *browserdb.Tx) error {
		return tx.Put(store, dir+"/"+convDirName+"/"+name, value)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDamagedIndexRowsAndTextsAreTakenFromTheFiles(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	cs := seed(t, dir, 4)
	putRaw(t, dir, catalogStore, cs[1].ID+fileExt, []byte("{not a row"))
	putRaw(t, dir, searchStore, cs[2].ID+fileExt, []byte("\x07garbage"))
	putRaw(t, dir, textsStore, cs[3].ID+fileExt+"#1", []byte("\x01\x04m-idanother text"))
	ffs := newFaultFS(testFS(t, dir))
	s := openT(t, dir, withFS(ffs))
	<-s.Reconciled()
	if rep := s.OpenReport(); rep.Reindexed != 1 || rep.Conversations != 4 {
		t.Errorf("report = %+v, want the damaged row's file reindexed", rep)
	}
	if got := listTitles(t, s); got != "c00 c01 c02 c03" {
		t.Errorf("list = %s", got)
	}
	for i := 0; i < 4; i++ {
		p, err := s.Search(ctx, SearchQuery{Text: fmt.Sprintf("walrus%d", i)})
		if err != nil || len(p.Items) != 1 || marked(p.Items[0].Snippet) != fmt.Sprintf("message number %d about [walrus%d]", i, i) {
			t.Errorf("search walrus%d = %+v, %v", i, p.Items, err)
		}
	}
	reads := strings.Join(ffs.reads, " ")
	for i, want := range []bool{false, true, true, true} {
		if strings.Contains(reads, cs[i].ID) != want {
			t.Errorf("files read = %s; want only those with damaged index entries (1, 2, 3), not %d", reads, i)
		}
	}
}

func TestAnIndexOfAnotherVersionIsRebuilt(t *testing.T) {
	dir := testDir(t)
	seed(t, dir, 3)
	f := newIDBFS(testDB(t, dir))
	err := f.update([]string{catalogStore}, func(tx *browserdb.Tx) error {
		return tx.Put(catalogStore, "index:"+dir+"/"+convDirName+"/", []byte{99})
	})
	if err != nil {
		t.Fatal(err)
	}
	s := openT(t, dir)
	if rep := s.OpenReport(); !rep.Rebuilt || rep.Reindexed != 3 {
		t.Errorf("report = %+v, want a rebuild of 3", rep)
	}
	if got := listTitles(t, s); got != "c00 c01 c02" {
		t.Errorf("list = %s", got)
	}
}

func TestAnIndexThatCannotBeSavedServesFromMemoryAndIsRepairedAtTheNextOpen(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	seed(t, dir, 3)
	s := openT(t, dir)
	<-s.Reconciled()
	ix := s.cat.(*idbIndex)
	ix.db.Close() // every further write of the index fails
	c := newConv("after failure", 7, "okapi")
	if err := s.Save(ctx, c); err != nil {
		t.Fatalf("Save with a broken index: %v (the file is what matters)", err)
	}
	if err := s.Delete(ctx, s.cat.(*idbIndex).mem.sorted(ArchivedInclude)[3].ID); err != nil {
		t.Fatal(err)
	}
	if h := s.Health(); h == nil || !strings.Contains(h.Error(), "next start") {
		t.Errorf("Health = %v, want it to say the index is behind until the next start", h)
	}
	if s.cat != ix {
		t.Errorf("the store left the browser index for %T", s.cat)
	}
	if got := listTitles(t, s); got != "after failure c01 c02" {
		t.Errorf("list after the index failed = %s", got)
	}
	p, err := s.Search(ctx, SearchQuery{Text: "okapi"})
	if err != nil || len(p.Items) != 1 || marked(p.Items[0].Snippet) != "[okapi]" {
		t.Errorf("search = %+v, %v", p.Items, err)
	}
	s.Close()
	s = openT(t, dir)
	if rep := s.OpenReport(); rep.Reindexed != 1 || rep.Removed != 1 {
		t.Errorf("report after reopen = %+v, want the saved one reindexed and the deleted one removed", rep)
	}
	if s.Health() != nil {
		t.Errorf("Health after reopen = %v", s.Health())
	}
	if got := listTitles(t, s); got != "after failure c01 c02" {
		t.Errorf("list after reopen = %s", got)
	}
	if p, err := s.Search(ctx, SearchQuery{Text: "okapi"}); err != nil || len(p.Items) != 1 {
		t.Errorf("search after reopen = %+v, %v", p.Items, err)
	}
}

// The in-memory search finds the text the matcher finds: the first text in
// which every term starts a word.
func TestFoldedSearchAgreesWithTheMatcher(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	vocab := []string{"crème", "brûlée", "Café", "zürich", "ZURICH", "naïve", "über", "cafe", "ca", "x1", "İstanbul",
		"Ærø", "ﬁne", "e\u0301clair", "éclair", "日本語", "straße", "strasse", "o'clock", "re-do", "🙂", "42"}
	seps := []string{" ", ", ", "\n", "-", "(", "'", "\u00a0", "."}
	texts := func() []text {
		n := 1 + rng.IntN(5)
		ts := make([]text, n)
		for i := range ts {
			var b strings.Builder
			for w := 0; w < rng.IntN(8); w++ {
				b.WriteString(vocab[rng.IntN(len(vocab))])
				b.WriteString(seps[rng.IntN(len(seps))])
			}
			ts[i] = text{fmt.Sprint("m", i), b.String()}
		}
		return ts
	}
	queries := 0
	for round := 0; round < 2000; round++ {
		ts := texts()
		q := vocab[rng.IntN(len(vocab))]
		if rng.IntN(2) == 0 {
			w := vocab[rng.IntN(len(vocab))]
			q += " " + w[:1+rng.IntN(len(w))]
		}
		terms := searchTerms(q)
		if len(terms) == 0 {
			continue
		}
		queries++
		want := -1
		for i, tx := range ts {
			if ok, _ := (matcher{terms: terms}).match(tx.body); ok {
				want = i
				break
			}
		}
		hashes := make([]uint64, len(terms))
		for i, t := range terms {
			hashes[i] = termHash(t)
		}
		if got := foldTexts(ts).find(terms, hashes); got != want {
			t.Fatalf("query %q in %q: find = %d, the matcher says %d", q, ts, got, want)
		}
	}
	t.Logf("%d queries agree", queries)
}

func TestFoldedRoundTrip(t *testing.T) {
	ts := textsOf(newConv("Crème Brûlée", 1, "Hello, WORLD!", "", "naïve  café"))
	f := foldTexts(ts)
	if want := " creme brulee\n hello world\n\n naive cafe\n"; f.all != want {
		t.Errorf("folded = %q, want %q", f.all, want)
	}
	back, err := decodeFolded(f.encode())
	if err != nil || fmt.Sprintf("%+v", back) != fmt.Sprintf("%+v", f) {
		t.Fatalf("decode(encode) = %+v, %v; want %+v", back, err, f)
	}
	filter := func(i int) bloom { return f.filters[f.from[i]:f.from[i+1]] }
	for i, terms := range [][]string{{"cr", "crem", "brulee", "c"}, {"hello", "world"}, nil, {"naive", "caf"}} {
		for _, term := range terms {
			if !filter(i).mayHold(termHash(term)) {
				t.Errorf("the prefix filter of text %d says no word starts with %q", i, term)
			}
		}
	}
	absent := 0
	for i := 0; i < 1000; i++ {
		if !filter(1).mayHold(termHash(fmt.Sprintf("zq%d", i))) {
			absent++
		}
	}
	if absent < 900 {
		t.Errorf("the prefix filter rules out %d of 1000 absent prefixes, want most", absent)
	}
	for _, bad := range [][]byte{nil, {9}, {1, 1, 3, 0, 0, 0, 0, 0, 'a', 'b'}, {1, 1, 1, 0, 0, 0, 0, 0, 'a', '\n', 'x'}, {1, 0, 'x'}, {1, 1, 1, 0, 0, 0, 0, 30, 'a', '\n'}} {
		if _, err := decodeFolded(bad); err == nil {
			t.Errorf("decodeFolded(%q) succeeded", bad)
		}
	}
}

func TestTextsRoundTrip(t *testing.T) {
	c := newConv("A title", 1, "first", "", "third with \x00 and ünïcode")
	ts := textsOf(c)
	if ts[0] != (text{"", "A title"}) || ts[3].id != c.Messages[2].ID || len(ts) != 4 {
		t.Errorf("texts = %q", ts)
	}
	for _, tx := range ts {
		back, err := decodeText(encodeText(tx))
		if err != nil || back != tx {
			t.Errorf("decode(encode(%q)) = %q, %v", tx, back, err)
		}
	}
	for _, bad := range [][]byte{nil, {2}, {1, 5, 'a'}, {1, 200}} {
		if _, err := decodeText(bad); err == nil {
			t.Errorf("decodeText(%q) succeeded", bad)
		}
	}
}

// A save rewrites only the texts that changed, and the snippets follow.
func TestOnlyChangedTextsAreRewritten(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	s := openT(t, dir)
	c := newConv("Birds", 1, "about a puffin", "about a heron", "about an ibis")
	mustSave(t, s, c)
	<-s.Reconciled()
	ix := s.cat.(*idbIndex)
	stored := func() map[string]string {
		out := map[string]string{}
		es, err := ix.db.List(ctx, textsStore, ix.key(c.ID)+"#")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			tx, err := decodeText(e.Value)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(e.Key, ix.key(c.ID))] = tx.body
		}
		return out
	}
	if got := fmt.Sprint(stored()); got != "map[#0:Birds #1:about a puffin #2:about a heron #3:about an ibis]" {
		t.Fatalf("stored texts = %s", got)
	}
	// Mark the stored texts: those rewritten by the next save lose the mark.
	for k := 0; k < 4; k++ {
		key := ix.textKey(c.ID, k)
		b, _ := ix.db.Get(ctx, textsStore, key)
		tx, _ := decodeText(b)
		tx.body += " (old)"
		if err := ix.db.Put(ctx, textsStore, key, encodeText(tx)); err != nil {
			t.Fatal(err)
		}
	}
	c.Messages[1].Content = conversation.TextContent("about a stork")
	c.Messages = c.Messages[:2]
	c.CurrentID = c.Messages[1].ID
	mustSave(t, s, c)
	if got := fmt.Sprint(stored()); got != "map[#0:Birds (old) #1:about a puffin (old) #2:about a stork]" {
		t.Errorf("after changing one message and dropping one, stored texts = %s", got)
	}
	p, err := s.Search(ctx, SearchQuery{Text: "stork"})
	if err != nil || len(p.Items) != 1 || marked(p.Items[0].Snippet) != "about a [stork]" || p.Items[0].MessageID != c.Messages[1].ID {
		t.Errorf("search stork = %+v, %v", p.Items, err)
	}
}
