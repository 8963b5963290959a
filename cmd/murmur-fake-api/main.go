// Command murmur-fake-api serves a fake OpenAI-compatible API on loopback
// with readable scripted replies, so Murmur can be tried and demonstrated
// without a key: `make fake-api`, then point a provider at the printed URL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"murmur/backend/llm/llmtest"
	"murmur/backend/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "loopback address to listen on")
	rate := flag.Float64("rate", 40, "tokens per second")
	delay := flag.Duration("first-byte-delay", 0, "wait before the first byte of every reply (Swarms runs the agent first)")
	key := flag.String("key", "", "require this API key (x-api-key or Bearer); empty accepts any")
	web := flag.String("web", "", "also serve this folder (make web's dist/web) at /, as murmur serve does")
	cors := flag.String("cors", "", "answer browsers from this origin (\"*\": any) with CORS headers; empty sends none, so other origins are refused")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !isLoopback(host) {
		fmt.Fprintln(os.Stderr, "murmur-fake-api: -addr must be a loopback address such as 127.0.0.1:8089")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "murmur-fake-api:", err)
		os.Exit(1)
	}
	api := llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: *rate, FirstByteDelay: *delay, Key: *key})
	srv := &http.Server{
		Handler:           handler(api, *web, *cors),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Printf("fake OpenAI-compatible API at http://%s/v1 (Ctrl-C to stop)\n", ln.Addr())
	fmt.Printf("try: murmur provider add --preset custom --id fake --base-url http://%s/v1 --auth none --model fake-model --default\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "murmur-fake-api:", err)
		os.Exit(1)
	}
}

// handler puts the fake API under /v1 (and /murmur/v1) and, with web, the web files at /
// with the server description murmur serve gives (/murmur/server.json), so
// that the web app served from here uses this API without a key. With
// cors, browsers from that origin may call the API.
func handler(api http.Handler, web, cors string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/", withCORS(api, cors))
	// Also under /murmur/v1/, where the page finds it from server.json.
	mux.Handle("/murmur/v1/", http.StripPrefix("/murmur", withCORS(api, cors)))
	mux.Handle("/health", api)
	if web != "" {
		mux.HandleFunc("GET /murmur/server.json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			fmt.Fprint(w, `{"api":"v1","models":["fake-model"]}`)
		})
		mux.Handle("/", serve.StaticHandler(os.DirFS(web)))
	}
	return mux
}

func withCORS(h http.Handler, origin string) http.Handler {
	if origin == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id, X-Ratelimit-Remaining-Minute")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Api-Key, Accept")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
