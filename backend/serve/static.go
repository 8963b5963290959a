package serve

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// StaticHandler serves the files of fsys at the request path: "/" is
// index.html, "/dir/" is dir/index.html, and nothing else is invented — no
// directory listings, no "..", no dot files. Content types come from the
// file extension (application/wasm, text/javascript, …). When the client
// accepts it, a precompressed sibling ("app.wasm.br", "app.wasm.gz") is sent
// instead, with Content-Encoding and Vary: Accept-Encoding. Hashed asset
// names ("index-D4VJ2xpQ.js") are cached for a year as immutable; every other
// file, index.html among them, is "no-cache" (revalidated by ETag).
//
// Mount it elsewhere with http.StripPrefix.
func StaticHandler(fsys fs.FS) http.Handler {
	return &static{fsys: fsys, etags: map[string]etag{}}
}

type static struct {
	fsys fs.FS

	mu    sync.Mutex
	etags map[string]etag
}

type etag struct {
	size int64
	mod  time.Time
	tag  string
}

func (h *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: files are read with GET", http.StatusMethodNotAllowed)
		return
	}
	name, ok := staticName(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	fi, err := fs.Stat(h.fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if fi.IsDir() {
		// "/dir" → "dir/" when it has an index; never a listing.
		if ix, err := fs.Stat(h.fsys, path.Join(name, "index.html")); err == nil && ix.Mode().IsRegular() && name != "." {
			w.Header().Set("Location", path.Base(r.URL.Path)+"/")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
		return
	}
	if !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	w.Header().Add("Vary", "Accept-Encoding")
	file, encoding := name, ""
	accepted := acceptedEncodings(r.Header.Get("Accept-Encoding"))
	for _, enc := range []struct{ coding, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !accepted(enc.coding) {
			continue
		}
		if sib, err := fs.Stat(h.fsys, name+enc.ext); err == nil && sib.Mode().IsRegular() {
			file, encoding, fi = name+enc.ext, enc.coding, sib
			break
		}
	}

	f, err := h.fsys.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	content, err := seeker(f)
	if err != nil {
		http.Error(w, "cannot read the file", http.StatusInternalServerError)
		return
	}
	tag, err := h.etag(file, fi, content)
	if err != nil {
		http.Error(w, "cannot read the file", http.StatusInternalServerError)
		return
	}

	hd := w.Header()
	hd.Set("Content-Type", contentType(name))
	if encoding != "" {
		hd.Set("Content-Encoding", encoding)
	}
	if hashedName(name) {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	hd.Set("ETag", tag)
	http.ServeContent(w, r, "", fi.ModTime(), content)
}

// staticName turns a request path into a file name of the FS, or reports a
// path that must not be served.
func staticName(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	name := strings.TrimPrefix(p, "/")
	if name == "" {
		return "index.html", true
	}
	dir := strings.HasSuffix(name, "/")
	name = strings.TrimSuffix(name, "/")
	if !fs.ValidPath(name) {
		return "", false
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	if dir {
		name += "/index.html"
	}
	return name, true
}

// seeker returns f as an io.ReadSeeker, reading it into memory when the FS
// does not give one.
func seeker(f fs.File) (io.ReadSeeker, error) {
	if rs, ok := f.(io.ReadSeeker); ok {
		return rs, nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// etag returns the strong ETag of a file: a hash of its bytes, computed once
// per size and modification time.
func (h *static) etag(name string, fi fs.FileInfo, content io.ReadSeeker) (string, error) {
	h.mu.Lock()
	e, ok := h.etags[name]
	h.mu.Unlock()
	if ok && e.size == fi.Size() && e.mod.Equal(fi.ModTime()) {
		return e.tag, nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, content); err != nil {
		return "", err
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum.Sum(nil)[:18]) + `"`
	h.mu.Lock()
	h.etags[name] = etag{size: fi.Size(), mod: fi.ModTime(), tag: tag}
	h.mu.Unlock()
	return tag, nil
}

// acceptedEncodings parses Accept-Encoding and returns a test for a coding.
func acceptedEncodings(header string) func(string) bool {
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		weight := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				weight = f
			}
		}
		q[coding] = weight
	}
	return func(coding string) bool {
		if w, ok := q[coding]; ok {
			return w > 0
		}
		if w, ok := q["*"]; ok {
			return w > 0
		}
		return false
	}
}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".wasm":        "application/wasm",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
}

// contentType returns the type of a file by its extension.
func contentType(name string) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// hashedName reports a file name that carries a content hash, as build tools
// write them: "index-D4VJ2xpQ.js", "index-B-x3kQ9a.js", "app.3f2a9c1b.wasm".
// The hash follows a "-" or "." at the end of the name without its extension:
// either the last 8 characters of [A-Za-z0-9_-] (Vite's base64url hashes), or
// everything after the last "-" or "." when that is 8 or more characters of
// [A-Za-z0-9_]. A hash is never all lower-case letters, so "my-component.js"
// is not taken for one.
func hashedName(name string) bool {
	base := path.Base(name)
	stem := strings.TrimSuffix(base, path.Ext(base))
	if i := strings.LastIndexAny(stem, "-."); i >= 0 && len(stem)-i-1 >= 8 && isHash(stem[i+1:], false) {
		return true
	}
	if n := len(stem); n > 8 && (stem[n-9] == '-' || stem[n-9] == '.') {
		return isHash(stem[n-8:], true)
	}
	return false
}

// isHash reports characters of a base64url or hex hash, not all lower-case
// letters.
func isHash(h string, dash bool) bool {
	other := false
	for j := 0; j < len(h); j++ {
		c := h[j]
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', dash && c == '-':
			other = true
		default:
			return false
		}
	}
	return other
}
