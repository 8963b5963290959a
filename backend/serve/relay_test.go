package serve

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"murmur/backend/llm/llmtest"
)

// runRelay feeds input to a relay in the given pieces and returns what it
// wrote.
func runRelay(key string, pieces [][]byte) (string, *relay) {
	var out bytes.Buffer
	rl := &relay{key: []byte(key)}
	write := func(b []byte) (int, error) { return out.Write(b) }
	for _, p := range pieces {
		// The caller reuses its read buffer: the relay must not keep p.
		cp := append([]byte(nil), p...)
		rl.feed(cp, write)
		for i := range cp {
			cp[i] = '#'
		}
	}
	rl.finish(write)
	return out.String(), rl
}

// split cuts s at random points.
func split(s string, rng *rand.Rand) [][]byte {
	var out [][]byte
	for len(s) > 0 {
		n := rng.IntN(min(len(s), 40)) + 1
		out = append(out, []byte(s[:n]))
		s = s[n:]
	}
	return out
}

// Whatever the read boundaries, the relay writes the stream unchanged but for
// every occurrence of the key, which becomes [redacted].
func TestRelayRedactsAcrossReads(t *testing.T) {
	key := testKey
	stream := "data: " + llmtest.RoleChunk() + "\n\n" +
		"data: {\"error\":\"" + key + "\"}\r\n\r\n" +
		": " + key + key + "\r" +
		"\rdata: " + strings.Repeat("x", 100) + key + "\n\n" +
		"data: " + llmtest.UsageChunk(3, 4) + "\n\n" +
		"data: unterminated " + key
	want := strings.ReplaceAll(stream, key, "[redacted]")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		got, rl := runRelay(key, split(stream, rng))
		if got != want {
			t.Fatalf("round %d:\n got %q\nwant %q", i, got, want)
		}
		if rl.usage == nil || rl.usage.Total != 7 {
			t.Fatalf("round %d: usage %+v", i, rl.usage)
		}
	}
}

// A line longer than the carry limit is passed on before it ends, still
// redacted.
func TestRelayLongLines(t *testing.T) {
	key := testKey
	long := "data: " + strings.Repeat("a", maxCarry) + key + strings.Repeat("b", maxCarry) + key + "c\n\n"
	var out bytes.Buffer
	writes := 0
	rl := &relay{key: []byte(key)}
	write := func(b []byte) (int, error) { writes++; return out.Write(b) }
	for i := 0; i < len(long); i += 4096 {
		rl.feed([]byte(long[i:min(i+4096, len(long))]), write)
	}
	rl.finish(write)
	if want := strings.ReplaceAll(long, key, "[redacted]"); out.String() != want {
		t.Fatalf("long line changed: got %d bytes, want %d; key present: %v", out.Len(), len(want), strings.Contains(out.String(), key))
	}
	if writes < 2 {
		t.Errorf("a %d-byte line was held back whole (%d writes)", len(long), writes)
	}
	if len(rl.carry) > maxCarry+4096 {
		t.Errorf("carry grew to %d bytes", len(rl.carry))
	}
}

func TestRelayEndEvent(t *testing.T) {
	for _, c := range []struct{ written, want string }{
		{"", ""},
		{"data: x\n\n", "data: x\n\n"},
		{"data: x\n", "data: x\n\n"},
		{"data: x\r\n", "data: x\r\n\n"},
		{"data: x\r\n\r\n", "data: x\r\n\r\n\n"},
		{"data: x", "data: x\n\n"},
	} {
		var out bytes.Buffer
		write := func(b []byte) (int, error) { return out.Write(b) }
		rl := &relay{}
		rl.feed([]byte(c.written), write)
		rl.finish(write)
		rl.endEvent(write)
		if out.String() != c.want {
			t.Errorf("after %q: %q, want %q", c.written, out.String(), c.want)
		}
	}
}
