package store

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"murmur/backend/conversation"
)

// The benchmarks' conversations: 100 messages each, generated from a fixed
// seed, so that every run (and the desktop and browser benchmarks) measures
// the same corpus.
const (
	benchMessages = 100
	benchSeed     = 20261128
	benchVocab    = 20_000
)

// benchWords is the corpus vocabulary: synthetic words, some with
// diacritics, used with a Zipf distribution so that some words are in
// most messages and most words are rare.
func benchWords() []string {
	rng := rand.New(rand.NewPCG(benchSeed, 1))
	syl := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "pe", "qua", "stra", "ben", "dor", "fel",
		"gri", "hap", "jus", "mor", "nix", "plo", "ré", "çi", "ü", "sé", "bå"}
	seen := map[string]bool{}
	words := make([]string, 0, benchVocab)
	for len(words) < benchVocab {
		n := 1 + rng.IntN(4)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// benchID makes a canonical version-7-shaped UUID from the generator.
func benchID(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	h := fmt.Sprintf("%x", b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// benchConversation is conversation i of the corpus (deterministic).
func benchConversation(i int, words []string) *conversation.Conversation {
	rng := rand.New(rand.NewPCG(benchSeed, uint64(i)+2))
	zipf := rand.NewZipf(rng, 1.07, 2, benchVocab-1)
	text := func(minW, maxW int) string {
		n := minW + rng.IntN(maxW-minW+1)
		var b strings.Builder
		for k := 0; k < n; k++ {
			if k > 0 {
				if rng.IntN(12) == 0 {
					b.WriteString(". ")
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(words[zipf.Uint64()])
		}
		return b.String()
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(700*24)) * time.Hour)
	c := &conversation.Conversation{
		Format: conversation.Format, Version: conversation.SchemaVersion, ID: benchID(rng),
		Title: text(2, 6), CreatedAt: base, UpdatedAt: base.Add(benchMessages * time.Minute),
		Pinned: i%500 == 0, Archived: i%20 == 0, ProviderID: "swarms", Model: "gpt-4o",
		Messages: make([]conversation.Message, 0, benchMessages),
	}
	for j := 0; j < benchMessages; j++ {
		m := conversation.Message{ID: benchID(rng), Role: conversation.RoleUser, Status: conversation.StatusComplete,
			CreatedAt: base.Add(time.Duration(j) * time.Minute), Content: conversation.TextContent(text(4, 30))}
		if j%2 == 1 {
			m.Role = conversation.RoleAssistant
			m.Model = "gpt-4o"
			m.FinishReason = "stop"
			m.Content = conversation.TextContent(text(10, 60))
		}
		c.Append(m)
	}
	return c
}
