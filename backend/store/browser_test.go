//go:build js && wasm

package store

// What a user of the web app does with tabs: close one mid-write, open a
// second, take over in it, reload, fill the site's quota. Each runs pages of
// this test binary side by side (browsertest, through scripts/wasm-test.mjs).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/backend/browserdb"
	"murmur/backend/browserdb/browsertest"
	"murmur/backend/conversation"
)

func TestMain(m *testing.M) {
	browsertest.Main(m, map[string]func(context.Context) error{
		"writer":      childWriter,
		"open-locked": childOpenLocked,
		"take-over":   childTakeOver,
		"quota":       childQuota,
		"seed":        childSeed,
		"check-seed":  childCheckSeed,
	})
}

// childStore opens the store the parent named in MURMUR_DB and MURMUR_DIR.
func childStore(ctx context.Context, opts ...Option) (*Store, *browserdb.DB, error) {
	db, err := browserdb.Open(ctx, os.Getenv("MURMUR_DB"))
	if err != nil {
		return nil, nil, err
	}
	s, err := Open(ctx, os.Getenv("MURMUR_DIR"), append([]Option{WithBrowserDB(db)}, opts...)...)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, db, nil
}

// sharedDB is a database for a test and the pages it starts, deleted at the end.
func sharedDB(t *testing.T) (name, dir string) {
	t.Helper()
	name = "store " + t.Name()
	ctx := context.Background()
	if err := browserdb.DeleteDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := browserdb.DeleteDatabase(context.Background(), name); err != nil {
			t.Errorf("delete the test database: %v", err)
		}
	})
	return name, "/murmur"
}

// sharedConn opens a connection to the database of sharedDB.
func sharedConn(t *testing.T, name string) *browserdb.DB {
	t.Helper()
	db, err := browserdb.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openShared opens the store of sharedDB in this page, waiting for a page
// the test closed to let go of the lock.
func openShared(t *testing.T, name, dir string, opts ...Option) *Store {
	t.Helper()
	ctx := context.Background()
	db := sharedConn(t, name)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := Open(ctx, dir, append([]Option{WithBrowserDB(db)}, opts...)...)
		if err == nil {
			t.Cleanup(func() { s.Close() })
			return s
		}
		if !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
			t.Fatalf("Open: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// killIDs are the conversations the writer rewrites.
var killIDs = [...]string{
	"0190f3a0-0000-7000-8000-00000000000a",
	"0190f3a0-0000-7000-8000-00000000000b",
	"0190f3a0-0000-7000-8000-00000000000c",
}

// killVersion is version v of conversation id: every message says v, so a
// file that mixes two versions shows. About 100 to 600 KB, so that a write
// takes a while.
func killVersion(id string, v int) *conversation.Conversation {
	c := &conversation.Conversation{
		Format: conversation.Format, Version: conversation.SchemaVersion, ID: id,
		Title: "v" + strconv.Itoa(v), CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(v) * time.Second),
		Messages: []conversation.Message{},
	}
	n := 4 + (v*5+int(id[len(id)-1]))%20
	for j := 0; j < n; j++ {
		role := conversation.RoleUser
		if j%2 == 1 {
			role = conversation.RoleAssistant
		}
		c.Append(conversation.Message{
			ID: fmt.Sprintf("m%d", j), Role: role, Status: conversation.StatusComplete, CreatedAt: t0,
			Content: conversation.TextContent(strings.Repeat(fmt.Sprintf("version %d word%d ", v, j), 1500)),
		})
	}
	return c
}

// checkVersion returns the version c holds, or an error if its messages
// disagree with its title.
func checkVersion(c *conversation.Conversation) (int, error) {
	v, err := strconv.Atoi(strings.TrimPrefix(c.Title, "v"))
	if err != nil {
		return 0, fmt.Errorf("title %q", c.Title)
	}
	want := killVersion(c.ID, v)
	if len(c.Messages) != len(want.Messages) {
		return v, fmt.Errorf("%s: version %d has %d messages, want %d", c.ID, v, len(c.Messages), len(want.Messages))
	}
	for i := range c.Messages {
		if c.Messages[i].Content.PlainText() != want.Messages[i].Content.PlainText() {
			return v, fmt.Errorf("%s: message %d is not from version %d", c.ID, i, v)
		}
	}
	return v, nil
}

// childWriter rewrites the conversations, one version after another, until
// its tab is killed. It says "writing <v>" before and "saved <v>" after
// every save.
func childWriter(ctx context.Context) error {
	s, _, err := childStore(ctx)
	if err != nil {
		return err
	}
	v := 0
	for _, id := range killIDs {
		if c, err := s.Get(ctx, id); err == nil {
			if cv, err := checkVersion(c); err == nil && cv > v {
				v = cv
			}
		}
	}
	for {
		v++
		browsertest.Say("writing %d", v)
		if err := s.Save(ctx, killVersion(killIDs[v%len(killIDs)], v)); err != nil {
			return err
		}
		browsertest.Say("saved %d", v)
	}
}

var savedLine = regexp.MustCompile(`(?m)^saved (\d+)$`)

func TestClosingTheTabMidWriteLeavesTheOldOrTheNewVersion(t *testing.T) {
	name, dir := sharedDB(t)
	env := map[string]string{"MURMUR_DB": name, "MURMUR_DIR": dir}
	last := 0 // the newest version a writer said it saved
	dropped, kept := 0, 0
	for round := 0; round < 4; round++ {
		w := browsertest.Spawn(t, "writer", env)
		// Kill it as soon as it starts writing a version.
		writing := last + 3
		ok, out := w.WaitOutput(fmt.Sprintf("writing %d", writing))
		if !ok {
			t.Fatalf("round %d: the writer stopped:\n%s", round, out)
		}
		if round%2 == 0 {
			w.Crash()
		} else {
			w.Close()
		}
		for _, m := range savedLine.FindAllStringSubmatch(out, -1) {
			if n, _ := strconv.Atoi(m[1]); n > last {
				last = n
			}
		}
		s := openShared(t, name, dir)
		rep := s.OpenReport()
		if len(rep.Quarantined) != 0 {
			t.Fatalf("round %d: files quarantined after the kill: %+v", round, rep.Quarantined)
		}
		newest := 0
		for _, id := range killIDs {
			c, err := s.Get(context.Background(), id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			v, err := checkVersion(c)
			if err != nil {
				t.Fatalf("round %d: a mixed file after the kill: %v", round, err)
			}
			newest = max(newest, v)
		}
		if newest < last {
			t.Fatalf("round %d: the newest version kept is %d, but version %d was saved", round, newest, last)
		}
		if newest < writing {
			dropped++ // killed mid-write: the previous version stayed
		} else {
			kept++ // the write ended before the kill
		}
		names, err := newIDBFS(sharedConn(t, name)).ReadDir(dir + "/conversations")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range names {
			if isTempName(e.Name()) {
				t.Errorf("round %d: a temporary file is left after Open: %s", round, e.Name())
			}
		}
		p, err := s.List(context.Background(), ListQuery{})
		if err != nil || p.Total != min(len(killIDs), newest) {
			t.Errorf("round %d: list = %d conversations, %v", round, p.Total, err)
		}
		last = max(last, newest)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("4 tabs killed as they started a write: %d writes lost (the previous version kept), %d ended first", dropped, kept)
}

// childOpenLocked opens the store another tab has open, and must be refused.
func childOpenLocked(ctx context.Context) error {
	s, _, err := childStore(ctx)
	if err == nil {
		s.Close()
		return errors.New("the second tab opened the store")
	}
	if !errors.Is(err, ErrLocked) {
		return fmt.Errorf("Open in the second tab: %v, want ErrLocked", err)
	}
	browsertest.Say("refused: %v", err)
	return nil
}

// childTakeOver takes the store from the other tab, saves, and stays open.
func childTakeOver(ctx context.Context) error {
	s, _, err := childStore(ctx, WithStealLock())
	if err != nil {
		return err
	}
	c := newConv("from the second tab", 5, "taken over")
	c.ID = "0190f3a0-0000-7000-8000-0000000000ff"
	if err := s.Save(ctx, c); err != nil {
		return err
	}
	browsertest.Say("took over")
	select {}
}

func TestASecondTabIsToldAndCanTakeOver(t *testing.T) {
	ctx := context.Background()
	name, dir := sharedDB(t)
	env := map[string]string{"MURMUR_DB": name, "MURMUR_DIR": dir}
	lost := make(chan struct{})
	s := openShared(t, name, dir, WithOnLockLost(func() { close(lost) }))
	mine := newConv("from the first tab", 1, "hello")
	mustSave(t, s, mine)

	second := browsertest.Spawn(t, "open-locked", env)
	code, out := second.Wait()
	if code != 0 {
		t.Fatalf("the second tab:\n%s", out)
	}
	if !strings.Contains(out, "Murmur is open in another tab of this browser") {
		t.Errorf("the second tab was not told in words:\n%s", out)
	}

	third := browsertest.Spawn(t, "take-over", env)
	if ok, out := third.WaitOutput("took over"); !ok {
		t.Fatalf("the third tab could not take over:\n%s", out)
	}
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("the first tab was not told that its lock was taken")
	}
	mine.Title = "changed after losing the lock"
	err := s.Save(ctx, mine)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another tab") {
		t.Fatalf("Save after the lock was taken: %v, want ErrLocked saying another tab has it", err)
	}
	t.Logf("the first tab's save reads: %v", err)
	if got, err := s.Get(ctx, mine.ID); err != nil || got.Title != "from the first tab" {
		t.Errorf("Get after the refused save = %v, %v; want the saved version", got, err)
	}
	s.Close()

	// Once the third tab is gone, the first opens again and sees its save.
	third.Close()
	s = openShared(t, name, dir)
	p, err := s.List(ctx, ListQuery{})
	if err != nil || fmt.Sprint(titles(p)) != "[from the second tab from the first tab]" {
		t.Errorf("list after the takeover = %v, %v", titles(p), err)
	}
}

// childQuota runs on an origin whose storage quota is small: a save that
// does not fit fails in words and keeps the previous version.
func childQuota(ctx context.Context) error {
	db, err := browserdb.Open(ctx, "quota")
	if err != nil {
		return err
	}
	s, err := Open(ctx, "/murmur", WithBrowserDB(db))
	if err != nil {
		return err
	}
	c := newConv("small", 1, "a short first version")
	if err := s.Save(ctx, c); err != nil {
		return fmt.Errorf("the first save: %w", err)
	}
	c.Title = "too big"
	c.Append(conversation.Message{Role: conversation.RoleAssistant, Status: conversation.StatusComplete, CreatedAt: t0,
		Content: conversation.TextContent(strings.Repeat("a long reply that fills the quota ", 100_000))})
	err = s.Save(ctx, c)
	if !errors.Is(err, ErrDiskFull) {
		return fmt.Errorf("a save over the quota: %v, want ErrDiskFull", err)
	}
	for _, want := range []string{"the browser's storage for this site is full", "the previous version is intact", c.ID} {
		if !strings.Contains(err.Error(), want) {
			return fmt.Errorf("the error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "disk") {
		return fmt.Errorf("the error %q speaks of a disk", err)
	}
	browsertest.Say("the save over the quota reads: %v", err)
	got, err := s.Get(ctx, c.ID)
	if err != nil || got.Title != "small" || len(got.Messages) != 1 {
		return fmt.Errorf("after the refused save Get = %v, %v; want the first version", got, err)
	}
	if p, err := s.List(ctx, ListQuery{}); err != nil || fmt.Sprint(titles(p)) != "[small]" {
		return fmt.Errorf("after the refused save the list = %v, %v", titles(p), err)
	}
	if _, err := s.PutAttachment(ctx, "big.bin", "application/octet-stream", make([]byte, 4<<20)); !errors.Is(err, ErrDiskFull) {
		return fmt.Errorf("an attachment over the quota: %v, want ErrDiskFull", err)
	}
	if s.Health() != nil {
		return fmt.Errorf("a refused save broke the index: %v", s.Health())
	}
	if err := browsertest.LiftQuota(); err != nil {
		return err
	}
	if err := s.Save(ctx, c); err != nil {
		return fmt.Errorf("the same save once there is room: %v", err)
	}
	if err := s.Close(); err != nil {
		return err
	}
	s, err = Open(ctx, "/murmur", WithBrowserDB(db))
	if err != nil {
		return err
	}
	defer s.Close()
	if got, err := s.Get(ctx, c.ID); err != nil || got.Title != "too big" {
		return fmt.Errorf("after reopening Get = %v, %v", got, err)
	}
	return nil
}

func TestQuotaExceededKeepsThePreviousVersionAndSaysSo(t *testing.T) {
	p := browsertest.SpawnWithQuota(t, "quota", nil, 1<<20)
	code, out := p.Wait()
	t.Logf("the tab with a 1 MB quota:\n%s", out)
	if code != 0 {
		t.Fatalf("the tab with a 1 MB quota exited %d", code)
	}
}

// The conversations childSeed saves and childCheckSeed expects.
func seedConvs() []*conversation.Conversation {
	var cs []*conversation.Conversation
	for i := 0; i < 12; i++ {
		c := newConv(fmt.Sprintf("seed %02d", i), i, fmt.Sprintf("question %d about quokkas", i), "an answer")
		c.ID = fmt.Sprintf("0190f3a0-0000-7000-8000-%012d", i+1)
		c.Pinned = i == 3
		c.Archived = i == 7
		cs = append(cs, c)
	}
	return cs
}

func childSeed(ctx context.Context) error {
	s, _, err := childStore(ctx)
	if err != nil {
		return err
	}
	for _, c := range seedConvs() {
		if err := s.Save(ctx, c); err != nil {
			return err
		}
	}
	if _, err := s.PutAttachment(ctx, "note.txt", "text/plain", []byte("kept across reloads")); err != nil {
		return err
	}
	// No Close: the tab just goes away.
	return nil
}

func childCheckSeed(ctx context.Context) error {
	s, _, err := childStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if rep := s.OpenReport(); rep.Conversations != 12 || rep.Reindexed != 0 || rep.IndexError != "" {
		return fmt.Errorf("report after the reload: %+v", rep)
	}
	for _, want := range seedConvs() {
		got, err := s.Get(ctx, want.ID)
		if err != nil {
			return err
		}
		if got.Title != want.Title || got.Pinned != want.Pinned || got.Archived != want.Archived || len(got.Messages) != 2 {
			return fmt.Errorf("after the reload %s is %+v", want.ID, got)
		}
	}
	p, err := s.List(ctx, ListQuery{})
	if err != nil || p.Total != 11 || p.Items[0].Title != "seed 03" {
		return fmt.Errorf("list after the reload: %v total %d, %v", titles(p), p.Total, err)
	}
	h, err := s.Search(ctx, SearchQuery{Text: "quokka", Archived: ArchivedInclude})
	if err != nil || h.Total != 12 {
		return fmt.Errorf("search after the reload: %d hits, %v", h.Total, err)
	}
	b, err := s.Attachment(ctx, conversation.AttachmentID([]byte("kept across reloads")))
	if err != nil || string(b) != "kept across reloads" {
		return fmt.Errorf("attachment after the reload: %q, %v", b, err)
	}
	browsertest.Say("all there")
	return nil
}

func TestAReloadKeepsEverything(t *testing.T) {
	name, dir := sharedDB(t)
	env := map[string]string{"MURMUR_DB": name, "MURMUR_DIR": dir}
	seed := browsertest.Spawn(t, "seed", env)
	if code, out := seed.Wait(); code != 0 {
		t.Fatalf("the first tab:\n%s", out)
	}
	check := browsertest.Spawn(t, "check-seed", env)
	if code, out := check.Wait(); code != 0 {
		t.Fatalf("the reloaded tab:\n%s", out)
	}
	// And this page sees the same.
	s := openShared(t, name, dir)
	if p, err := s.List(context.Background(), ListQuery{Archived: ArchivedInclude}); err != nil || p.Total != 12 {
		t.Errorf("list in this tab: %d, %v", p.Total, err)
	}
}

func TestSeveralDatabasesSideBySide(t *testing.T) {
	ctx := context.Background()
	var stores []*Store
	for _, widget := range []string{"a", "b"} {
		name := "store " + t.Name() + " widget " + widget
		if err := browserdb.DeleteDatabase(ctx, name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { browserdb.DeleteDatabase(context.Background(), name) })
		// Both open at once, on the same folder name.
		stores = append(stores, openShared(t, name, "/murmur"))
	}
	a, b := stores[0], stores[1]
	mustSave(t, a, newConv("only in a", 1, "apples"))
	mustSave(t, b, newConv("only in b", 2, "bananas"), newConv("also in b", 3, "berries"))
	for i, want := range []string{"[only in a]", "[also in b only in b]"} {
		p, err := stores[i].List(ctx, ListQuery{})
		if err != nil || fmt.Sprint(titles(p)) != want {
			t.Errorf("store %d lists %v, %v; want %s", i, titles(p), err, want)
		}
	}
	if h, _ := a.Search(ctx, SearchQuery{Text: "bananas"}); h.Total != 0 {
		t.Errorf("a finds b's conversation")
	}
}
