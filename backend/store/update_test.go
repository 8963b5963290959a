package store

import (
	"context"
	"errors"
	"testing"

	"murmur/backend/conversation"
)

func TestUpdateIsOneLockedReadModifyWrite(t *testing.T) {
	ctx := context.Background()
	s := openT(t, testDir(t))
	c := newConv("before", 0, "hello")
	if err := s.Save(ctx, c); err != nil {
		t.Fatal(err)
	}
	// A change made between a caller's Get and its Update is seen by fn.
	if err := s.Rename(ctx, c.ID, "renamed"); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, c.ID, func(got *conversation.Conversation) error {
		if got.Title != "renamed" {
			t.Errorf("fn saw title %q, want the latest", got.Title)
		}
		got.Append(conversation.Message{Role: conversation.RoleUser, Content: conversation.TextContent("more"), Status: conversation.StatusComplete})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.Get(ctx, c.ID)
	if err != nil || back.Title != "renamed" || len(back.Messages) != len(c.Messages)+1 {
		t.Fatalf("after Update: %v, %q, %d messages", err, back.Title, len(back.Messages))
	}

	stop := errors.New("changed my mind")
	err = s.Update(ctx, c.ID, func(got *conversation.Conversation) error {
		got.Title = "not saved"
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if back, _ := s.Get(ctx, c.ID); back.Title != "renamed" {
		t.Fatalf("a failed Update wrote the title %q", back.Title)
	}
	if err := s.Update(ctx, conversation.NewID(), func(*conversation.Conversation) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Update of a missing conversation = %v", err)
	}
	if err := s.Update(ctx, "../x", func(*conversation.Conversation) error { return nil }); !errors.Is(err, ErrInvalidID) {
		t.Fatalf("Update with a path = %v", err)
	}
}
