package transfer

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestResolveCitations(t *testing.T) {
	const P, S, E = "\ue200", "\ue202", "\ue201"
	cite := P + "cite" + S + "turn0search3" + E
	refs := func(v ...any) jsonValue { b, _ := json.Marshal(v); return b }
	for _, tc := range []struct {
		name string
		text string
		meta gptMetadata
		want string
	}{
		{"no markup is left alone", "Plain 【text】 with † and ⟨brackets⟩.", gptMetadata{}, "Plain 【text】 with † and ⟨brackets⟩."},
		{"a cite becomes links", "Fact." + cite + " More.", gptMetadata{ContentReferences: refs(map[string]any{
			"matched_text": cite, "type": "grouped_webpages",
			"items": []any{map[string]any{"title": "A [title]", "url": "https://a.example/x(1)", "attribution": ""}, map[string]any{"title": "B", "url": "https://b.example/", "attribution": "B site"}}})},
			"Fact. ([A \\[title\\]](<https://a.example/x(1)>), [B site](https://b.example/)) More."},
		{"a cite with no reference is removed cleanly", "Fact " + cite + ". Next", gptMetadata{}, "Fact. Next"},
		{"unsafe link targets are dropped", "Fact." + cite, gptMetadata{ContentReferences: refs(map[string]any{
			"matched_text": cite, "type": "grouped_webpages", "items": []any{map[string]any{"title": "x", "url": "javascript:alert(1)"}}})}, "Fact."},
		{"alt is the fallback", "Buy" + P + "products" + S + "x" + E, gptMetadata{ContentReferences: refs(map[string]any{
			"matched_text": P + "products" + S + "x" + E, "type": "products", "alt": " (see the product list)"})}, "Buy (see the product list)"},
		{"an entity keeps its name without a reference", "In " + P + "entity" + S + `["city","Lisbon","capital"]` + E + ".", gptMetadata{}, "In Lisbon."},
		{"a reference matching plain text is ignored", "a b c", gptMetadata{ContentReferences: refs(map[string]any{"matched_text": " ", "type": "sources_footnote"})}, "a b c"},
		{"stray private-use characters go", "x" + P + "y" + S + "z", gptMetadata{}, "xyz"},
		{"an image group between paragraphs leaves one blank line", "One.\n\n" + P + "image_group" + S + `{"query":["q"]}` + E + "\n\nTwo.", gptMetadata{}, "One.\n\nTwo."},
		{"2023 markers link by position", "Won 【8†source】. Played 【12†L10-L12】.", gptMetadata{Citations: refs(map[string]any{
			"start_ix": 4, "end_ix": 14, "metadata": map[string]any{"title": "FIFA", "url": "https://fifa.example/final"}})},
			"Won ([FIFA](https://fifa.example/final)). Played."},
		{"2023 markers pair in order when positions are in another unit", "🎉 Won 【8†source】 and 【9†source】", gptMetadata{Citations: refs(
			map[string]any{"start_ix": 100, "metadata": map[string]any{"title": "One", "url": "https://one.example/"}},
			map[string]any{"start_ix": 200, "metadata": map[string]any{"title": "Two", "url": "https://two.example/"}})},
			"🎉 Won ([One](https://one.example/)) and ([Two](https://two.example/))"},
		{"file search markers are removed", "See 【4:0†report.pdf】", gptMetadata{}, "See"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveCitations(tc.text, &tc.meta); got != tc.want {
				t.Errorf("resolveCitations(%q)\n  = %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestCitationsOfHostileSize(t *testing.T) {
	// Many markers and references stay linear enough: one pass each.
	var b strings.Builder
	var refs []any
	for i := 0; i < 2000; i++ {
		m := "\ue200cite\ue202turn0search" + strings.Repeat("9", i%7+1) + "\ue201"
		b.WriteString("word " + m + " ")
		if i < 50 {
			refs = append(refs, map[string]any{"matched_text": m, "type": "grouped_webpages", "items": []any{map[string]any{"title": "t", "url": "https://x.example/"}}})
		}
	}
	raw, _ := json.Marshal(refs)
	got := resolveCitations(b.String(), &gptMetadata{ContentReferences: jsonValue(raw)})
	if strings.ContainsRune(got, '\ue200') || !strings.Contains(got, "[t](https://x.example/)") {
		t.Errorf("markup left or links missing: %q", got[:200])
	}
}
