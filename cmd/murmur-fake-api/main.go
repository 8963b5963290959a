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
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "loopback address to listen on")
	rate := flag.Float64("rate", 40, "tokens per second")
	delay := flag.Duration("first-byte-delay", 0, "wait before the first byte of every reply (Swarms runs the agent first)")
	key := flag.String("key", "", "require this API key (x-api-key or Bearer); empty accepts any")
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
	srv := &http.Server{
		Handler:           llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: *rate, FirstByteDelay: *delay, Key: *key}),
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

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
