package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"murmur/backend/conversation"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// newConv builds a valid conversation with the given title and message texts
// (alternating user / assistant), updated at t0+minutes.
func newConv(title string, minutes int, texts ...string) *conversation.Conversation {
	c := conversation.New(t0)
	c.Title = title
	c.UpdatedAt = t0.Add(time.Duration(minutes) * time.Minute)
	for i, tx := range texts {
		role := conversation.RoleUser
		if i%2 == 1 {
			role = conversation.RoleAssistant
		}
		c.Append(conversation.Message{Role: role, Content: conversation.TextContent(tx),
			Status: conversation.StatusComplete, CreatedAt: t0})
	}
	return c
}

func openT(t *testing.T, dir string, opts ...Option) *Store {
	t.Helper()
	s, err := openStore(t, dir, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustSave(t *testing.T, s *Store, cs ...*conversation.Conversation) {
	t.Helper()
	for _, c := range cs {
		if err := s.Save(context.Background(), c); err != nil {
			t.Fatalf("Save %s: %v", c.Title, err)
		}
	}
}

func titles(p Page[Summary]) []string {
	out := []string{}
	for _, s := range p.Items {
		out = append(out, s.Title)
	}
	return out
}

func equalJSON(t *testing.T, a, b *conversation.Conversation) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// storeModes runs a test against the indexed store and the files-only store.
func storeModes(t *testing.T, f func(t *testing.T, opts ...Option)) {
	t.Run("index", func(t *testing.T) { f(t) })
	t.Run("files", func(t *testing.T) { f(t, withoutIndex()) })
}

func TestSaveGetRoundTrip(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		dir := testDir(t)
		s := openT(t, dir, opts...)
		c := newConv("Trip to Zürich", 1, "hello", "hi there")
		c.Extra = map[string]json.RawMessage{"future": json.RawMessage(`{"x":1}`)}
		mustSave(t, s, c)
		got, err := s.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !equalJSON(t, c, got) {
			t.Errorf("Get returned a different document")
		}
		fi, err := statFile(t, filepath.Join(dir, "conversations", c.ID+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode = %v, want 0600", fi.Mode().Perm())
		}
		di, err := statFile(t, filepath.Join(dir, "conversations"))
		if err != nil {
			t.Fatal(err)
		}
		if di.Mode().Perm() != 0o700 {
			t.Errorf("folder mode = %v, want 0700", di.Mode().Perm())
		}
		if _, err := s.Get(ctx, conversation.NewID()); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get of a missing id: %v, want ErrNotFound", err)
		}
		for _, bad := range []string{"../../etc/passwd", "", "x.json", c.ID + "/..", "0190F3A0-0000-7000-8000-000000000001"} {
			if _, err := s.Get(ctx, bad); !errors.Is(err, ErrInvalidID) {
				t.Errorf("Get(%q): %v, want ErrInvalidID", bad, err)
			}
		}
	})
}

func TestListOrderPagingAndFilters(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
		var cs []*conversation.Conversation
		for i := 0; i < 7; i++ {
			cs = append(cs, newConv(fmt.Sprintf("c%d", i), i, "text"))
		}
		cs[1].Pinned = true
		cs[5].Archived = true
		mustSave(t, s, cs...)

		p, err := s.List(ctx, ListQuery{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(titles(p)), "[c1 c6 c4]"; got != want || p.Total != 6 || !p.More {
			t.Errorf("first page = %s total %d more %v, want %s total 6 more true", got, p.Total, p.More, want)
		}
		p, _ = s.List(ctx, ListQuery{Offset: 3, Limit: 3})
		if got, want := fmt.Sprint(titles(p)), "[c3 c2 c0]"; got != want || p.More {
			t.Errorf("second page = %s more %v, want %s more false", got, p.More, want)
		}
		p, _ = s.List(ctx, ListQuery{Archived: ArchivedOnly})
		if got := fmt.Sprint(titles(p)); got != "[c5]" {
			t.Errorf("archived = %s", got)
		}
		p, _ = s.List(ctx, ListQuery{Archived: ArchivedInclude})
		if p.Total != 7 {
			t.Errorf("all = %d, want 7", p.Total)
		}

		if err := s.SetPinned(ctx, cs[1].ID, false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetArchived(ctx, cs[5].ID, false); err != nil {
			t.Fatal(err)
		}
		if err := s.Rename(ctx, cs[0].ID, "  new\nname "); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, cs[6].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, cs[6].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
		p, _ = s.List(ctx, ListQuery{})
		if got, want := fmt.Sprint(titles(p)), "[c5 c4 c3 c2 c1 new name]"; got != want {
			t.Errorf("after changes = %s, want %s", got, want)
		}
		got, err := s.Get(ctx, cs[0].ID)
		if err != nil || got.Title != "new name" {
			t.Errorf("renamed title in file = %q, %v", got.Title, err)
		}
	})
}
