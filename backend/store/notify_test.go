package store

import (
	"context"
	"strings"
	"sync"
	"testing"

	"murmur/backend/conversation"
)

type changeLog struct {
	mu  sync.Mutex
	ids []string
}

func (l *changeLog) add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids = append(l.ids, id)
}

func (l *changeLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.ids
	l.ids = nil
	return out
}

func TestEveryWriteTellsTheChangeListenerButCheckpointsDoNot(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		var log changeLog
		s := openT(t, testDir(t), append(opts, WithOnChange(log.add))...)
		c := newConv("first", 1, "hello")
		m := c.Append(conversation.Message{Role: conversation.RoleAssistant, Status: conversation.StatusStreaming, CreatedAt: t0})
		steps := []struct {
			name string
			do   func() error
			want int
		}{
			{"save", func() error { return s.Save(ctx, c) }, 1},
			{"checkpoint", func() error {
				mm := *m
				mm.Content = conversation.TextContent("partial")
				return s.UpdateMessage(ctx, c.ID, mm)
			}, 0},
			{"finish", func() error {
				mm := *m
				mm.Content = conversation.TextContent("partial and done")
				mm.Status = conversation.StatusComplete
				return s.UpdateMessage(ctx, c.ID, mm)
			}, 1},
			{"rename", func() error { return s.Rename(ctx, c.ID, "renamed") }, 1},
			{"pin", func() error { return s.SetPinned(ctx, c.ID, true) }, 1},
			{"archive", func() error { return s.SetArchived(ctx, c.ID, true) }, 1},
			{"update", func() error {
				return s.Update(ctx, c.ID, func(c *conversation.Conversation) error { c.Model = "m"; return nil })
			}, 1},
			{"failed update", func() error {
				_ = s.Update(ctx, c.ID, func(c *conversation.Conversation) error { return ErrNotFound })
				return nil
			}, 0},
			{"delete", func() error { return s.Delete(ctx, c.ID) }, 1},
			{"delete again", func() error { _ = s.Delete(ctx, c.ID); return nil }, 0},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got := log.take()
			if len(got) != st.want {
				t.Fatalf("%s: listener called %d times (%v), want %d", st.name, len(got), got, st.want)
			}
			for _, id := range got {
				if id != c.ID {
					t.Fatalf("%s: listener got id %s, want %s", st.name, id, c.ID)
				}
			}
		}
	})
}

// A command that opens the store, lists and exits at once (murmur list
// after a kill -9 of murmur ask) must leave a reply that was left streaming
// recovered on disk, though the background check of the files never ran.
func TestStreamingIsRecoveredBeforeOpenReturns(t *testing.T) {
	dir := testDir(t)
	s := openT(t, dir)
	for i := 0; i < 300; i++ {
		mustSave(t, s, newConv("other", i, "q", "a"))
	}
	c := newConv("crashed", 400, "tell me a story")
	c.Append(conversation.Message{Role: conversation.RoleAssistant, Status: conversation.StatusStreaming,
		Content: conversation.TextContent("Once upon"), CreatedAt: t0})
	mustSave(t, s, c)
	s.Close()

	s, err := openStore(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close() // before the background reconciliation could do anything
	raw := readRaw(t, dir, c.ID)
	if strings.Contains(raw, `"status":"streaming"`) || !strings.Contains(raw, `"status":"interrupted"`) {
		t.Fatalf("file after open and close still streaming:\n%s", raw)
	}
	s = openT(t, dir)
	if got := s.OpenReport().Recovered; len(got) != 0 {
		t.Fatalf("recovered again at the next open: %v", got)
	}
}
