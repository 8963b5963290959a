package serve

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"murmur/backend/llm"
	"murmur/backend/llm/llmtest"
)

func TestLimiterRefillsAndForgets(t *testing.T) {
	l := newLimiter(Rate{N: 2, Per: time.Second}, 3)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if ok, _ := l.take("a", t0); !ok {
			t.Fatalf("burst request %d refused", i)
		}
	}
	ok, wait := l.take("a", t0)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("over the burst: ok=%v wait=%v, want refused for 500ms", ok, wait)
	}
	if ok, _ := l.take("b", t0); !ok {
		t.Fatal("another key shares the bucket")
	}
	if ok, _ := l.take("a", t0.Add(500*time.Millisecond)); !ok {
		t.Fatal("no token after the refill time")
	}
	// Buckets that refilled are forgotten, so memory follows active clients.
	for i := 0; i < 1000; i++ {
		l.take(fmt.Sprint("client-", i), t0.Add(2*time.Second))
	}
	if n := l.size(); n < 1000 {
		t.Fatalf("%d buckets", n)
	}
	l.take("late", t0.Add(time.Minute))
	if n := l.size(); n != 1 {
		t.Errorf("%d buckets kept after every client went quiet, want 1", n)
	}
	if newLimiter(Rate{}, 10) != nil {
		t.Error("a zero rate makes a limiter")
	}
}

func TestRedactHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(&redactHandler{h: slog.NewTextHandler(&buf, nil), key: testKey})
	log = log.With("k", "with "+testKey)
	log.Info("message "+testKey, "s", testKey, "err", errors.New("failed for "+testKey),
		slog.Group("g", "inner", "x"+testKey), "n", 3, "any", []string{testKey})
	out := buf.String()
	if strings.Contains(out, testKey) {
		t.Errorf("the key reached the log: %s", out)
	}
	if strings.Count(out, "[redacted]") != 6 || !strings.Contains(out, "n=3") {
		t.Errorf("log line %s", out)
	}
}

// Run serves HTTPS with the configured certificate, and stops cleanly,
// letting a request in flight finish.
func TestServeTLSAndShutdown(t *testing.T) {
	up := llmtest.NewServer()
	defer up.Close()
	dir := t.TempDir()
	certFile, keyFile, pool := writeCert(t, dir)
	cfg := DefaultConfig()
	cfg.Upstream, cfg.Key = up.URL, testKey
	cfg.AllowNoOrigin = true
	cfg.TLSCert, cfg.TLSKey = certFile, keyFile
	cfg.Listen = "127.0.0.1:0"
	var logs syncBuffer
	srv, err := New(cfg, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	url := "https://" + ln.Addr().String()
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Errorf("healthz over TLS: %d %s", resp.StatusCode, resp.Proto)
	}

	// Streams pass over HTTP/2 too.
	up.Chat(llmtest.Stream("over ", "h2"))
	resp, err = client.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(chatBody("m", true)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || !strings.Contains(string(b), `"h2"`) || !strings.HasSuffix(string(b), "data: [DONE]\n\n") {
		t.Errorf("stream over %s: %q", resp.Proto, b)
	}

	// A slow reply in flight when the server is told to stop still arrives.
	up.Chat(llmtest.Reply{Delay: 300 * time.Millisecond, Body: llmtest.Completion("late", 1, 1)})
	got := make(chan string, 1)
	go func() {
		resp, err := client.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(chatBody("m", false)))
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	waitFor(t, "the request to reach the upstream", func() bool { return up.Count(llmtest.ChatPath) == 2 })
	cancel()
	if body := <-got; !strings.Contains(body, "late") {
		t.Errorf("the request in flight was cut by the shutdown: %s", body)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve after shutdown: %v", err)
	}
	if !strings.Contains(logs.String(), `"url":"https://`) {
		t.Errorf("start-up line: %s", logs.String())
	}
}

func TestNewErrors(t *testing.T) {
	cfg := DefaultConfig()
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), "--provider") {
		t.Errorf("no upstream: %v", err)
	}
	cfg.Upstream, cfg.Key = "https://api.swarms.world/v1", "sk-abc"
	cfg.TLSCert, cfg.TLSKey = filepath.Join(t.TempDir(), "missing.pem"), "missing.key"
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), "load the TLS certificate") {
		t.Errorf("missing certificate: %v", err)
	}
	cfg.TLSCert, cfg.TLSKey = "", ""
	cfg.Listen = "127.0.0.1:1"
	srv, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Port 1 needs privileges or is refused: Run reports what it tried.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv.cfg.Listen = ln.Addr().String()
	if err := srv.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Errorf("Run on a busy port: %v", err)
	}
}

// The key holder's logs warn about settings that are easy to regret.
func TestStartWarnings(t *testing.T) {
	var logs syncBuffer
	cfg := DefaultConfig()
	cfg.Upstream, cfg.Auth = "http://127.0.0.1:9/v1", llm.AuthNone
	srv, err := New(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv.logStart(&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 8080})
	out := logs.String()
	if !strings.Contains(out, "every model of the provider may be used") || !strings.Contains(out, "plain HTTP on a public address") ||
		!strings.Contains(out, "no web files were found") {
		t.Errorf("warnings: %s", out)
	}

	// With web files and models, neither warning.
	logs = syncBuffer{}
	cfg.Models, cfg.App = []string{"m"}, fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	if srv, err = New(cfg, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	srv.logStart(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
	if out := logs.String(); strings.Contains(out, "level=WARN") {
		t.Errorf("warnings with models and web files on loopback: %s", out)
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1.
func writeCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "murmur test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestSelfOrigins(t *testing.T) {
	for _, c := range []struct {
		listen, cert string
		want         string
	}{
		{"127.0.0.1:8080", "", "http://127.0.0.1:8080 http://localhost:8080 http://[::1]:8080"},
		{"localhost:9000", "c.pem", "https://127.0.0.1:9000 https://localhost:9000 https://[::1]:9000"},
		{"[::1]:8080", "", "http://127.0.0.1:8080 http://localhost:8080 http://[::1]:8080"},
		{"0.0.0.0:8080", "", ""},
		{":8080", "", ""},
		{"192.0.2.1:8080", "", ""},
		{"127.0.0.1:0", "", ""},
	} {
		if got := strings.Join(selfOrigins(Config{Listen: c.listen, TLSCert: c.cert}), " "); got != c.want {
			t.Errorf("selfOrigins(%s) = %q, want %q", c.listen, got, c.want)
		}
	}
}

func TestServerDescriptionNamesTheAPIAndModels(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Models = []string{"gpt-4o-mini", "claude-sonnet-4-20250514"} })
	resp := e.do(t, "GET", "/murmur/server.json", "", map[string]string{"Origin": ""})
	body := expectStatus(t, resp, 200)
	if body != `{"api":"v1","models":["gpt-4o-mini","claude-sonnet-4-20250514"]}` {
		t.Fatalf("server.json %s", body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q", cc)
	}
	if strings.Contains(body, testKey) {
		t.Fatal("the key is in the description")
	}
	expectStatus(t, e.do(t, "POST", "/murmur/server.json", "{}", nil), 405)
}
