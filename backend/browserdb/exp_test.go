//go:build js && wasm

package browserdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestExperiment(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "texts")
	rng := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 20000)
	for i := range words {
		var b strings.Builder
		for j := 0; j < 2+rng.IntN(8); j++ {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
		words[i] = b.String()
	}
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(words)-1))
	var blobs []string
	total := 0
	for c := 0; c < 1000; c++ {
		var b strings.Builder
		for m := 0; m < 100; m++ {
			n := 10 + rng.IntN(50)
			for k := 0; k < n; k++ {
				b.WriteString(words[zipf.Uint64()])
				b.WriteByte(' ')
			}
			b.WriteByte(0)
		}
		blobs = append(blobs, b.String())
		total += b.Len()
	}
	t.Logf("texts: %d MB", total>>20)
	start := time.Now()
	for i := 0; i < 1000; i += 100 {
		err := db.Update(ctx, []string{"texts"}, func(tx *Tx) error {
			for j := i; j < i+100; j++ {
				if err := tx.Put("texts", fmt.Sprintf("c%04d", j), []byte(blobs[j])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("put 1000 in 10 tx: %v", time.Since(start))
	start = time.Now()
	es, err := db.List(ctx, "texts", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("list all (%d): %v", len(es), time.Since(start))
	start = time.Now()
	for i := 0; i < 100; i++ {
		if err := db.Put(ctx, "texts", "single", []byte(blobs[i])); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("100 single puts of 25KB: %v each", time.Since(start)/100)
	start = time.Now()
	for i := 0; i < 100; i++ {
		if _, err := db.Get(ctx, "texts", fmt.Sprintf("c%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("100 single gets: %v each", time.Since(start)/100)
	for _, q := range []string{"zzzzq", "abc", "e", words[0], words[5000]} {
		start = time.Now()
		n := 0
		for _, b := range blobs {
			if strings.Contains(b, q) {
				n++
			}
		}
		t.Logf("contains %q: %d convs in %v", q, n, time.Since(start))
	}
	start = time.Now()
	folded := 0
	for _, b := range blobs[:100] {
		folded += len(strings.ToLower(b))
	}
	t.Logf("ToLower 2.5MB: %v", time.Since(start))
}
