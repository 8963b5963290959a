package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

func hitTitles(p Page[Hit]) []string {
	out := []string{}
	for _, h := range p.Items {
		out = append(out, h.Title)
	}
	return out
}

func marked(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestSearchDiacriticsPrefixAndSnippets(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
		dessert := newConv("Desserts", 1, "What is a good French dessert?", "Try a crème brûlée from the café on the corner.")
		code := newConv("Go code", 2, "How do I read a file in Go?", "Use os.ReadFile; it returns the bytes and an error.")
		zurich := newConv("Trip to Zürich", 3, "Plan a weekend", "Visit the old town.")
		mustSave(t, s, dessert, code, zurich)

		for _, tc := range []struct {
			query, want, snippet string
		}{
			{"creme", "[Desserts]", "Try a [crème] brûlée from the café on the corner."},
			{"CAFÉ brû", "[Desserts]", "Try a crème [brûlée] from the [café] on the corner."},
			{"readf", "[Go code]", "Use os.[ReadFile]; it returns the bytes and an error."},
			{"zurich", "[Trip to Zürich]", "Trip to [Zürich]"},
			{"corner dessert", "[]", ""}, // all words must be in one message
			{"nothing-like-this", "[]", ""},
		} {
			p, err := s.Search(ctx, SearchQuery{Text: tc.query})
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.query, err)
			}
			if got := fmt.Sprint(hitTitles(p)); got != tc.want {
				t.Errorf("Search(%q) = %s, want %s", tc.query, got, tc.want)
				continue
			}
			if len(p.Items) == 1 {
				if got := marked(p.Items[0].Snippet); got != tc.snippet {
					t.Errorf("Search(%q) snippet = %q, want %q", tc.query, got, tc.snippet)
				}
			}
		}
		p, err := s.Search(ctx, SearchQuery{Text: "brulee"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("Search(brulee) = %v, %v", p, err)
		}
		if want := dessert.Messages[1].ID; p.Items[0].MessageID != want {
			t.Errorf("hit message = %q, want the assistant reply %q", p.Items[0].MessageID, want)
		}
		p, _ = s.Search(ctx, SearchQuery{Text: "zur"})
		if len(p.Items) != 1 || p.Items[0].MessageID != "" {
			t.Errorf("a title hit should have no message id: %+v", p.Items)
		}
	})
}

func TestSearchUserTextNeverBreaksTheQuery(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
		mustSave(t, s, newConv("Operators", 1, `He said "AND" or NOT near(the) col:value ^start x* -minus (paren`))
		for _, q := range []string{
			`"`, `"unbalanced`, `AND`, `OR NOT`, `NEAR(`, `*`, `col:value`, `^start`, `a - b`, `(((`, `'`,
			`\`, `""`, `" OR "`, `body:x`, `NOT`, `{a b}`, `+`, `🙂`, `\x00`, strings.Repeat(`"a" OR `, 300),
			"\uE000near\uE001", `-minus`, `paren)`,
		} {
			if _, err := s.Search(ctx, SearchQuery{Text: q}); err != nil {
				t.Errorf("Search(%.40q): %v", q, err)
			}
		}
		for _, tc := range []struct{ q, want string }{
			{`"AND"`, "[Operators]"}, {`near(`, "[Operators]"}, {`col:value`, "[Operators]"},
			{`(paren`, "[Operators]"}, {`  `, "[]"}, {`!!!`, "[]"},
		} {
			p, err := s.Search(ctx, SearchQuery{Text: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(hitTitles(p)); got != tc.want {
				t.Errorf("Search(%q) = %s, want %s", tc.q, got, tc.want)
			}
		}
	})
}

func TestSnippetMarksInTextAreNotMatches(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		s := openT(t, testDir(t), opts...)
		mustSave(t, s, newConv("Marks", 1, "odd \uE000text\uE001 with marks and a needle"))
		p, err := s.Search(context.Background(), SearchQuery{Text: "needle"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("Search = %+v, %v", p, err)
		}
		for _, seg := range p.Items[0].Snippet {
			if seg.Match && seg.Text != "needle" {
				t.Errorf("segment %q marked as a match", seg.Text)
			}
		}
	})
}

func TestSearchRankingPagingAndArchive(t *testing.T) {
	storeModes(t, func(t *testing.T, opts ...Option) {
		ctx := context.Background()
		s := openT(t, testDir(t), opts...)
		var cs []*conversation.Conversation
		for i := 0; i < 5; i++ {
			cs = append(cs, newConv(fmt.Sprintf("c%d", i), i, "a note about kiwis", "unrelated"))
		}
		cs[4].Archived = true
		mustSave(t, s, cs...)
		p, err := s.Search(ctx, SearchQuery{Text: "kiwi", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 3 || p.Total != 4 || !p.More {
			t.Errorf("first page: %d items, total %d, more %v; want 3, 4, true", len(p.Items), p.Total, p.More)
		}
		p2, _ := s.Search(ctx, SearchQuery{Text: "kiwi", Offset: 3, Limit: 3})
		if len(p2.Items) != 1 || p2.More || p2.Total != 4 {
			t.Errorf("second page: %d items, total %d, more %v; want 1, 4, false", len(p2.Items), p2.Total, p2.More)
		}
		seen := map[string]bool{}
		for _, h := range append(p.Items, p2.Items...) {
			if seen[h.ID] || h.Archived {
				t.Errorf("hit %s repeated or archived", h.Title)
			}
			seen[h.ID] = true
		}
		p3, _ := s.Search(ctx, SearchQuery{Text: "kiwi", Offset: 10})
		if len(p3.Items) != 0 || p3.Total != 4 {
			t.Errorf("past the end: %d items total %d", len(p3.Items), p3.Total)
		}
		pa, _ := s.Search(ctx, SearchQuery{Text: "kiwi", Archived: ArchivedOnly})
		if got := fmt.Sprint(hitTitles(pa)); got != "[c4]" {
			t.Errorf("archived search = %s", got)
		}
	})
}
