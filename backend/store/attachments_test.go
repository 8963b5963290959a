package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"murmur/backend/conversation"
)

// withAttachments returns a conversation whose prompt refers to atts.
func withAttachments(title string, atts ...conversation.Attachment) *conversation.Conversation {
	c := newConv(title, 1)
	parts := []conversation.Part{{Type: conversation.PartText, Text: "look at these"}}
	for i := range atts {
		parts = append(parts, conversation.Part{Type: conversation.PartAttachment, Attachment: &atts[i]})
	}
	c.Append(conversation.Message{Role: conversation.RoleUser, Content: conversation.Content{Parts: parts},
		Status: conversation.StatusComplete, CreatedAt: t0})
	return c
}

func TestAttachmentsAreKeptOnceAndGoWithTheirLastConversation(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		dir := testDir(t)
		s := openT(t, dir, opts...)
		a, err := s.PutAttachment(ctx, "a.txt", "text/plain", []byte("alpha"))
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.PutAttachment(ctx, "renamed.txt", "text/plain", []byte("alpha"))
		if err != nil || again.ID != a.ID {
			t.Fatalf("same bytes again: %+v %v", again, err)
		}
		b, _ := s.PutAttachment(ctx, "b.txt", "text/plain", []byte("beta"))
		files := readDir(t, filepath.Join(dir, attachDirName))
		if len(files) != 2 {
			t.Fatalf("%d files for two contents", len(files))
		}
		got, err := s.Attachment(ctx, a.ID)
		if err != nil || string(got) != "alpha" {
			t.Fatalf("read back %q %v", got, err)
		}

		one := withAttachments("one", a, b)
		two := withAttachments("two", a)
		mustSave(t, s, one, two)
		// The attachments do not grow the searchable text.
		if p, _ := s.Search(ctx, SearchQuery{Text: "alpha"}); len(p.Items) != 0 {
			t.Fatalf("attachment content is in the search index: %+v", p.Items)
		}
		if err := s.Delete(ctx, one.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Attachment(ctx, b.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("b, used only by the deleted conversation: %v, want gone", err)
		}
		if _, err := s.Attachment(ctx, a.ID); err != nil {
			t.Fatalf("a, still used by another conversation: %v", err)
		}
		if err := s.Delete(ctx, two.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Attachment(ctx, a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a after its last conversation went: %v", err)
		}
	})
}

func TestAttachmentChecks(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	s := openT(t, dir)
	if _, err := s.Attachment(ctx, "../../etc/passwd"); !errors.Is(err, ErrInvalidID) {
		t.Fatalf("a path as id: %v", err)
	}
	if _, err := s.PutAttachment(ctx, "big", "text/plain", make([]byte, MaxAttachmentBytes+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	a, _ := s.PutAttachment(ctx, "a.txt", "text/plain", []byte("alpha"))
	writeFile(t, filepath.Join(dir, attachDirName, a.ID), []byte("tampered"))
	if _, err := s.Attachment(ctx, a.ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered file: %v, want ErrCorrupt", err)
	}
}

func TestSweepRemovesOnlyOldUnusedAttachments(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	s := openT(t, dir)
	used, _ := s.PutAttachment(ctx, "used.txt", "text/plain", []byte("used"))
	oldOrphan, _ := s.PutAttachment(ctx, "old.txt", "text/plain", []byte("old"))
	newOrphan, _ := s.PutAttachment(ctx, "new.txt", "text/plain", []byte("new"))
	mustSave(t, s, withAttachments("c", used))
	past := time.Now().Add(-48 * time.Hour)
	for _, id := range []string{used.ID, oldOrphan.ID} {
		setMtime(t, filepath.Join(dir, attachDirName, id), past)
	}
	n, err := s.SweepAttachments(ctx, 24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("sweep removed %d, %v; want 1", n, err)
	}
	for id, want := range map[string]bool{used.ID: true, oldOrphan.ID: false, newOrphan.ID: true} {
		if _, err := s.Attachment(ctx, id); (err == nil) != want {
			t.Errorf("%s present=%v, want %v", id, err == nil, want)
		}
	}
	// An index rebuilt from the files still knows what is in use.
	s.Close()
	dropIndex(t, dir)
	s = openT(t, dir)
	setMtime(t, filepath.Join(dir, attachDirName, newOrphan.ID), past)
	if n, _ := s.SweepAttachments(ctx, 24*time.Hour); n != 1 {
		t.Fatalf("after a rebuild the sweep removed %d, want the one orphan", n)
	}
	if _, err := s.Attachment(ctx, used.ID); err != nil {
		t.Fatalf("the used attachment went with the rebuild: %v", err)
	}
}
