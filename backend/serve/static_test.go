package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func testAssets() fstest.MapFS {
	return fstest.MapFS{
		"index.html":                  {Data: []byte("<!doctype html><title>Murmur</title>")},
		"assets/index-D4VJ2xpQ.js":    {Data: []byte("console.log('app')")},
		"assets/index-D4VJ2xpQ.js.br": {Data: []byte("BROTLI")},
		"assets/index-D4VJ2xpQ.js.gz": {Data: []byte("GZIP")},
		"assets/style-B-x3kQ9a.css":   {Data: []byte("body{}")},
		"murmur.wasm":                 {Data: []byte("\x00asm")},
		"murmur.wasm.gz":              {Data: []byte("GZWASM")},
		"wasm_exec.js":                {Data: []byte("// go")},
		"docs/index.html":             {Data: []byte("docs")},
		"empty/file.txt":              {Data: []byte("t")},
		".env":                        {Data: []byte("SECRET=1")},
		"assets/.hidden":              {Data: []byte("h")},
		"manifest.webmanifest":        {Data: []byte("{}")},
		"icon.svg":                    {Data: []byte("<svg/>")},
		"data.bin":                    {Data: []byte{1, 2, 3}},
	}
}

func serveStatic(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://x"+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestStaticFiles(t *testing.T) {
	h := StaticHandler(testAssets())
	cases := []struct {
		name, path, accept string
		status             int
		body, ctype, enc   string
		cache              string
	}{
		{"root is index.html", "/", "", 200, "<!doctype html><title>Murmur</title>", "text/html; charset=utf-8", "", "no-cache"},
		{"index.html", "/index.html", "", 200, "<!doctype html><title>Murmur</title>", "text/html; charset=utf-8", "", "no-cache"},
		{"hashed script, brotli", "/assets/index-D4VJ2xpQ.js", "gzip, deflate, br", 200, "BROTLI", "text/javascript; charset=utf-8", "br", "public, max-age=31536000, immutable"},
		{"hashed script, gzip", "/assets/index-D4VJ2xpQ.js", "gzip", 200, "GZIP", "text/javascript; charset=utf-8", "gzip", "public, max-age=31536000, immutable"},
		{"brotli refused with q=0", "/assets/index-D4VJ2xpQ.js", "br;q=0, gzip;q=0.5", 200, "GZIP", "text/javascript; charset=utf-8", "gzip", "public, max-age=31536000, immutable"},
		{"wildcard", "/assets/index-D4VJ2xpQ.js", "*", 200, "BROTLI", "text/javascript; charset=utf-8", "br", "public, max-age=31536000, immutable"},
		{"no encoding accepted", "/assets/index-D4VJ2xpQ.js", "", 200, "console.log('app')", "text/javascript; charset=utf-8", "", "public, max-age=31536000, immutable"},
		{"identity only", "/assets/index-D4VJ2xpQ.js", "identity", 200, "console.log('app')", "text/javascript; charset=utf-8", "", "public, max-age=31536000, immutable"},
		{"hash with a dash", "/assets/style-B-x3kQ9a.css", "", 200, "body{}", "text/css; charset=utf-8", "", "public, max-age=31536000, immutable"},
		{"wasm, only gzip sibling", "/murmur.wasm", "br, gzip", 200, "GZWASM", "application/wasm", "gzip", "no-cache"},
		{"wasm plain", "/murmur.wasm", "", 200, "\x00asm", "application/wasm", "", "no-cache"},
		{"unhashed script", "/wasm_exec.js", "", 200, "// go", "text/javascript; charset=utf-8", "", "no-cache"},
		{"manifest", "/manifest.webmanifest", "", 200, "{}", "application/manifest+json", "", "no-cache"},
		{"svg", "/icon.svg", "", 200, "<svg/>", "image/svg+xml", "", "no-cache"},
		{"unknown type", "/data.bin", "", 200, "\x01\x02\x03", "application/octet-stream", "", "no-cache"},
		{"directory index", "/docs/", "", 200, "docs", "text/html; charset=utf-8", "", "no-cache"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serveStatic(t, h, "GET", c.path, map[string]string{"Accept-Encoding": c.accept})
			if rec.Code != c.status || rec.Body.String() != c.body {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Body.String(), c.status, c.body)
			}
			hd := rec.Header()
			if hd.Get("Content-Type") != c.ctype || hd.Get("Content-Encoding") != c.enc || hd.Get("Cache-Control") != c.cache {
				t.Errorf("Content-Type %q Content-Encoding %q Cache-Control %q; want %q %q %q",
					hd.Get("Content-Type"), hd.Get("Content-Encoding"), hd.Get("Cache-Control"), c.ctype, c.enc, c.cache)
			}
			if hd.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q", hd.Get("Vary"))
			}
			if hd.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			if hd.Get("ETag") == "" {
				t.Error("no ETag")
			}
		})
	}
}

func TestStaticRefusals(t *testing.T) {
	h := StaticHandler(testAssets())
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/missing.js", 404},
		{"/empty/", 404},  // a directory without index: no listing
		{"/empty", 404},   // same without the slash
		{"/assets/", 404}, // no listing of the assets
		{"/.env", 400},    // dot files are never served
		{"/assets/.hidden", 400},
		{"/../index.html", 400},
		{"/assets/../index.html", 400},
		{"/a\\b", 400},
		{"/a%00b", 400},
		{"//index.html", 400},
	} {
		rec := serveStatic(t, h, "GET", c.path, nil)
		if rec.Code != c.status {
			t.Errorf("%q: %d, want %d (%s)", c.path, rec.Code, c.status, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "SECRET") || strings.Contains(rec.Body.String(), "index-D4VJ2xpQ") {
			t.Errorf("%q leaked %q", c.path, rec.Body.String())
		}
	}
	rec := serveStatic(t, h, "GET", "/docs", nil)
	if rec.Code != 301 || rec.Header().Get("Location") != "docs/" {
		t.Errorf("/docs: %d Location %q, want a relative redirect to docs/", rec.Code, rec.Header().Get("Location"))
	}
	rec = serveStatic(t, h, "POST", "/index.html", nil)
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestStaticConditionalAndHead(t *testing.T) {
	h := StaticHandler(testAssets())
	first := serveStatic(t, h, "GET", "/wasm_exec.js", nil)
	tag := first.Header().Get("ETag")
	again := serveStatic(t, h, "GET", "/wasm_exec.js", map[string]string{"If-None-Match": tag})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: %d %q", again.Code, again.Body.String())
	}
	br := serveStatic(t, h, "GET", "/assets/index-D4VJ2xpQ.js", map[string]string{"Accept-Encoding": "br"})
	plain := serveStatic(t, h, "GET", "/assets/index-D4VJ2xpQ.js", nil)
	if br.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("the brotli and plain bodies share an ETag")
	}
	head := serveStatic(t, h, "HEAD", "/index.html", nil)
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != "36" {
		t.Errorf("HEAD: %d %q length %q", head.Code, head.Body.String(), head.Header().Get("Content-Length"))
	}
}

func TestHashedName(t *testing.T) {
	for name, want := range map[string]bool{
		"assets/index-D4VJ2xpQ.js": true,
		"index-B-x3kQ9a.js":        true,
		"app.3f2a9c1b.wasm":        true,
		"chunk-abcdefgh.js":        false, // all lower-case letters: a word, not a hash
		"my-component.js":          false,
		"widget.js":                false,
		"murmur.wasm":              false,
		"wasm_exec.js":             false,
		"index.html":               false,
		"x-1234567.js":             false, // 7 characters
	} {
		if got := hashedName(name); got != want {
			t.Errorf("hashedName(%q) = %v, want %v", name, got, want)
		}
	}
}

// Through the server: the app at "/", the widget at "/murmur/" with CORS for
// allowed origins only.
func TestServerStaticMounts(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.App = fstest.MapFS{"index.html": {Data: []byte("app")}}
		c.Widget = fstest.MapFS{"widget.js": {Data: []byte("export {}")}, "widget.wasm.br": {Data: []byte("BR")}, "widget.wasm": {Data: []byte("W")}}
	})
	get := func(path string, hdr map[string]string) (*http.Response, string) {
		resp := e.do(t, "GET", path, "", hdr)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := get("/", map[string]string{"Origin": ""}); resp.StatusCode != 200 || body != "app" {
		t.Errorf("/: %d %q", resp.StatusCode, body)
	} else if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "'wasm-unsafe-eval'") {
		t.Errorf("the app's CSP %q: it must not be framed, and its worker must compile the core", csp)
	}
	resp, body := get("/murmur/widget.js", map[string]string{"Origin": "https://example.org"})
	if resp.StatusCode != 200 || body != "export {}" || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("widget.js: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://example.org" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
		t.Errorf("widget.js for an allowed origin: %v", resp.Header)
	}
	resp, _ = get("/murmur/widget.js", map[string]string{"Origin": "https://evil.example"})
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("a disallowed origin got CORS headers for the widget")
	}
	req, _ := http.NewRequest("GET", e.url+"/murmur/widget.wasm", nil)
	req.Header.Set("Accept-Encoding", "br")
	r2, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if string(b) != "BR" || r2.Header.Get("Content-Encoding") != "br" || r2.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("widget.wasm: %q %v", b, r2.Header)
	}
	if resp, _ := get("/murmur/../index.html", nil); resp.StatusCode != 400 {
		t.Errorf("dot-dot through the widget mount: %d", resp.StatusCode)
	}

	// Without assets the routes answer 404.
	e = newEnv(t, nil)
	if resp, _ := get("/", nil); resp.StatusCode != 404 {
		t.Errorf("no app: %d", resp.StatusCode)
	}
	if resp, _ := get("/murmur/widget.js", nil); resp.StatusCode != 404 {
		t.Errorf("no widget: %d", resp.StatusCode)
	}
}

// A browser enforces the header's policy and the page's <meta> policy both:
// whatever the meta allows the app to load, the header must allow too, or it
// breaks only when served by murmur serve (as "Load image" once did).
func TestAppCSPAllowsWhatThePageAllows(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "..", "frontend", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`http-equiv="Content-Security-Policy"\s+content="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("frontend/index.html has no Content-Security-Policy meta tag")
	}
	parse := func(p string) map[string][]string {
		out := map[string][]string{}
		for _, d := range strings.Split(p, ";") {
			f := strings.Fields(d)
			if len(f) > 0 {
				out[f[0]] = f[1:]
			}
		}
		return out
	}
	meta, header := parse(string(m[1])), parse(AppCSP)
	for directive, sources := range meta {
		allowed, ok := header[directive]
		if !ok {
			allowed = header["default-src"]
		}
		for _, src := range sources {
			if src != "'none'" && !slices.Contains(allowed, src) { // 'none' allows nothing
				t.Errorf("the page's meta allows %s %s, the header's policy does not: %s", directive, src, AppCSP)
			}
		}
	}
}
