package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"murmur/backend/conversation"
)

func TestConcurrentUse(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
		const writers, perWriter = 4, 6
		var wg sync.WaitGroup
		errs := make(chan error, 1000)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < perWriter; i++ {
					c := newConv(fmt.Sprintf("w%d-%d", w, i), i, "concurrent capybara")
					m := c.Append(conversation.Message{Role: conversation.RoleAssistant,
						Status: conversation.StatusStreaming, CreatedAt: t0})
					if err := s.Save(ctx, c); err != nil {
						errs <- err
						return
					}
					msg := *m
					for k := 0; k < 3; k++ {
						msg.Content = conversation.TextContent(fmt.Sprintf("partial %d", k))
						if err := s.UpdateMessage(ctx, c.ID, msg); err != nil {
							errs <- err
						}
					}
					if err := s.SetPinned(ctx, c.ID, i%2 == 0); err != nil {
						errs <- err
					}
				}
			}(w)
		}
		for r := 0; r < 3; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					if _, err := s.List(ctx, ListQuery{Limit: 10}); err != nil {
						errs <- err
					}
					if _, err := s.Search(ctx, SearchQuery{Text: "capy"}); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		p, err := s.List(ctx, ListQuery{Limit: MaxLimit})
		if err != nil || p.Total != writers*perWriter {
			t.Fatalf("list total %d, %v; want %d", p.Total, err, writers*perWriter)
		}
		pinned := 0
		for _, sum := range p.Items {
			if sum.Pinned {
				pinned++
			}
			if sum.Preview != "partial 2" {
				t.Errorf("%s preview %q, want the last checkpoint", sum.Title, sum.Preview)
			}
		}
		if pinned != writers*perWriter/2 {
			t.Errorf("%d pinned, want %d", pinned, writers*perWriter/2)
		}
		if s.Health() != nil {
			t.Errorf("Health = %v", s.Health())
		}
	})
}
