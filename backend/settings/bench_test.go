package settings

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// bigSettings builds a deterministic settings document of realistic upper
// size: every preset plus custom providers, one with an OpenRouter-sized
// model list (about 400 models), and unknown members at every level.
func bigSettings() Settings {
	r := rand.New(rand.NewPCG(1, 2))
	s := Default()
	for _, info := range Presets()[1:] {
		p := NewProvider(info.Preset)
		if p.BaseURL == "" {
			p.BaseURL = "https://llm.example.com/v1"
		}
		n := 20
		if info.Preset == PresetOpenRouter {
			n = 400
		}
		for i := 0; i < n; i++ {
			p.Models = append(p.Models, fmt.Sprintf("vendor-%d/model-%d-%x", i%40, i, r.Uint32()))
		}
		p.ModelsFetchedAt = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		p.Headers = map[string]string{"X-Title": "Murmur", "HTTP-Referer": "https://murmur.example"}
		p.ExtraBody = map[string]json.RawMessage{"provider": json.RawMessage(`{"sort":"price","allow_fallbacks":true}`)}
		p.Extra = map[string]json.RawMessage{"future": json.RawMessage(`{"a":[1,2,3]}`)}
		s.Providers = append(s.Providers, p)
	}
	s.Defaults.Extra = map[string]json.RawMessage{"future_default": json.RawMessage(`"x"`)}
	s.Extra = map[string]json.RawMessage{"sync": json.RawMessage(`{"enabled":false}`)}
	return s
}

// runWithBaseline times b.N runs of f as the benchmark, then, with the timer
// stopped, b.N runs of base, and reports the ratio of the two as unit.
func runWithBaseline(b *testing.B, unit string, f, base func()) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		f()
	}
	ours := time.Since(start)
	b.StopTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		base()
	}
	b.ReportMetric(float64(ours)/float64(time.Since(start)), unit)
}

// BenchmarkDecode reads a large settings document; the ratio compares it with
// decoding the same bytes into map[string]any with encoding/json.
func BenchmarkDecode(b *testing.B) {
	data, err := Encode(bigSettings())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	runWithBaseline(b, "x_generic_json", func() {
		if _, _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}, func() {
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkEncode writes a large settings document; the ratio compares it
// with json.MarshalIndent of the same document as map[string]any.
func BenchmarkEncode(b *testing.B) {
	s := bigSettings()
	data, _ := Encode(s)
	var generic map[string]any
	if err := json.Unmarshal(data, &generic); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	runWithBaseline(b, "x_generic_json", func() {
		if _, err := Encode(s); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if _, err := json.MarshalIndent(generic, "", "  "); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSave measures a durable save (validate, encode, temp file, fsync,
// rename, directory fsync); the ratio compares it with a plain os.WriteFile
// of the same bytes, which is neither atomic nor durable.
func BenchmarkSave(b *testing.B) {
	ctx := context.Background()
	s := bigSettings()
	data, _ := Encode(s)
	dir := b.TempDir()
	path := filepath.Join(dir, FileName)
	plain := filepath.Join(dir, "plain.json")
	b.SetBytes(int64(len(data)))
	runWithBaseline(b, "x_plain_write", func() {
		if err := Save(ctx, path, s); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if err := os.WriteFile(plain, data, 0o600); err != nil {
			b.Fatal(err)
		}
	})
}
