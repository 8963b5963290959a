package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"murmur/backend/conversation"
)

func imported(title string, minutes int, service, id string, updated time.Time) *conversation.Conversation {
	c := newConv(title, minutes, "q", "a")
	c.Source = &conversation.Source{Service: service, ID: id, UpdatedAt: updated}
	return c
}

func TestFindSource(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		dir := testDir(t)
		s := openT(t, dir, opts...)
		up := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
		gpt := imported("from chatgpt", 1, conversation.SourceChatGPT, "c-1", up)
		claude := imported("from claude", 2, conversation.SourceClaude, "c-1", time.Time{})
		native := newConv("made here", 3, "hi")
		mustSave(t, s, gpt, claude, native)

		find := func(service, id string) (Imported, bool) {
			t.Helper()
			got, ok, err := s.FindSource(ctx, service, id)
			if err != nil {
				t.Fatalf("FindSource(%s, %s): %v", service, id, err)
			}
			return got, ok
		}
		if got, ok := find(conversation.SourceChatGPT, "c-1"); !ok || got.ID != gpt.ID || !got.SourceUpdated.Equal(up) {
			t.Errorf("chatgpt c-1 = %+v, %v; want %s updated %v", got, ok, gpt.ID, up)
		}
		if got, ok := find(conversation.SourceClaude, "c-1"); !ok || got.ID != claude.ID || !got.SourceUpdated.IsZero() {
			t.Errorf("claude c-1 = %+v, %v; the same id of another service must not match", got, ok)
		}
		if _, ok := find(conversation.SourceChatGPT, "c-2"); ok {
			t.Error("an id never imported was found")
		}
		// A conversation made here is the Murmur source of itself.
		if got, ok := find(conversation.SourceMurmur, native.ID); !ok || got.ID != native.ID || !got.SourceUpdated.Equal(native.UpdatedAt) {
			t.Errorf("murmur %s = %+v, %v", native.ID, got, ok)
		}
		if _, ok := find(conversation.SourceChatGPT, native.ID); ok {
			t.Error("a conversation's own id matched a ChatGPT source")
		}
		if _, ok := find("", ""); ok {
			t.Error("an empty source matched")
		}

		// A newer import of the same source is preferred.
		again := imported("imported again", 9, conversation.SourceChatGPT, "c-1", up.Add(time.Hour))
		mustSave(t, s, again)
		if got, _ := find(conversation.SourceChatGPT, "c-1"); got.ID != again.ID {
			t.Errorf("with two imports of c-1 found %s, want the most recently updated %s", got.ID, again.ID)
		}
		if err := s.Delete(ctx, again.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := find(conversation.SourceChatGPT, "c-1"); got.ID != gpt.ID {
			t.Errorf("after deleting the newer import found %q, want %s", got.ID, gpt.ID)
		}

		// A changed source is found by its new id only; a deleted one not at all.
		if err := s.Update(ctx, gpt.ID, func(c *conversation.Conversation) error {
			c.Source = &conversation.Source{Service: conversation.SourceChatGPT, ID: "c-renamed"}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, ok := find(conversation.SourceChatGPT, "c-1"); ok {
			t.Error("the old source id still matches after it changed")
		}
		if got, ok := find(conversation.SourceChatGPT, "c-renamed"); !ok || got.ID != gpt.ID {
			t.Errorf("new source id = %+v, %v", got, ok)
		}
		if err := s.Delete(ctx, claude.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := find(conversation.SourceClaude, "c-1"); ok {
			t.Error("a deleted conversation is still found by its source")
		}

		// The sources survive a reopen (index reconciled, or read from the files).
		s.Close()
		s = openT(t, dir, opts...)
		if got, ok := find(conversation.SourceChatGPT, "c-renamed"); !ok || got.ID != gpt.ID {
			t.Errorf("after reopening: %+v, %v", got, ok)
		}
	})
}

func TestFindSourceAfterClose(t *testing.T) {
	s, err := openStore(t, testDir(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, _, err := s.FindSource(context.Background(), conversation.SourceChatGPT, "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("FindSource after Close = %v, want ErrClosed", err)
	}
}
