package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// SyntheticStream returns a deterministic OpenAI-style event stream of about
// size bytes: a role chunk, content chunks of one to eight words (with
// escapes and non-ASCII text mixed in), a keep-alive comment now and then, a
// finish chunk, a usage chunk and [DONE]. The same size and seed always give
// the same bytes. Benchmarks use it; it is cached under os.TempDir().
func SyntheticStream(size int, seed uint64) []byte {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("murmur-synthetic-sse-v1-%d-%d", size, seed))
	if b, err := os.ReadFile(path); err == nil && len(b) >= size {
		return b
	}
	b := generateStream(size, seed)
	if tmp, err := os.CreateTemp(os.TempDir(), "murmur-synthetic-*"); err == nil {
		_, werr := tmp.Write(b)
		cerr := tmp.Close()
		if werr == nil && cerr == nil {
			os.Rename(tmp.Name(), path)
		} else {
			os.Remove(tmp.Name())
		}
	}
	return b
}

func generateStream(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	words := []string{"the", "model", "streams", "tokens", "quickly", "and", "a", "client", "decodes", "each",
		"chunk", "über", "naïve", "日本語", "emoji 🎉", "tab\there", "\"quoted\"", "new\nline", "code: `x := 1`", "path\\to"}
	var buf bytes.Buffer
	buf.Grow(size + 4096)
	head := `data: {"id":"chatcmpl-9f8e7d6c5b4a","object":"chat.completion.chunk","created":1732800000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":{`
	buf.WriteString(head + `"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}` + "\n\n")
	var piece []byte
	n := 0
	for buf.Len() < size {
		piece = piece[:0]
		for k := rng.IntN(8) + 1; k > 0; k-- {
			piece = append(piece, ' ')
			piece = append(piece, words[rng.IntN(len(words))]...)
		}
		text, _ := json.Marshal(string(piece))
		buf.WriteString(head + `"content":`)
		buf.Write(text)
		buf.WriteString(`},"logprobs":null,"finish_reason":null}]}` + "\n\n")
		n++
		if n%200 == 0 {
			buf.WriteString(": keep-alive\n\n")
		}
	}
	buf.WriteString(head + `},"logprobs":null,"finish_reason":"stop"}]}` + "\n\n")
	buf.WriteString(`data: {"id":"chatcmpl-9f8e7d6c5b4a","object":"chat.completion.chunk","created":1732800000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":` + fmt.Sprint(n) + `,"total_tokens":` + fmt.Sprint(n+12) + `}}` + "\n\n")
	buf.WriteString("data: [DONE]\n\n")
	return buf.Bytes()
}
