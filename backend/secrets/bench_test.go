package secrets

import (
	"context"
	"testing"
	"time"
)

// BenchmarkStatusKeychain measures Status for a key in the keychain, which
// runs the backend call under the timeout in its own goroutine. The ratio
// compares it with calling the same in-memory backend directly, so it shows
// what the timeout wrapper costs (a real keychain call is far slower).
func BenchmarkStatusKeychain(b *testing.B) {
	ctx := context.Background()
	fb := newFake()
	fb.items[Service+"/swarms"] = testKey
	k := New(WithBackend(fb), WithLookupEnv(noEnv))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if st := k.Status(ctx, "swarms"); !st.Set {
			b.Fatal(st)
		}
	}
	ours := time.Since(start)
	b.StopTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := fb.Get(Service, "swarms"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ours)/float64(time.Since(start)), "x_direct_backend")
}
