package transfer

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"murmur/backend/conversation"
)

const chromiumPath = "/usr/bin/chromium"

// requestLog records every request a page made to the test server.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	l.paths = append(l.paths, r.URL.Path)
	l.mu.Unlock()
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
}

func (l *requestLog) seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.paths...)
}

// needChromium returns the browser path, or skips (fails when
// MURMUR_REQUIRE_CHROMIUM=1, as in CI).
func needChromium(t *testing.T) string {
	t.Helper()
	fail, skip := chromiumMissing(chromiumPath, os.Getenv("MURMUR_REQUIRE_CHROMIUM") == "1")
	if fail != "" {
		t.Fatal(fail)
	}
	if skip != "" {
		t.Skip(skip)
	}
	return chromiumPath
}

// chromiumMissing says whether a test needing the browser at path must
// fail or may skip.
func chromiumMissing(path string, required bool) (fail, skip string) {
	if _, err := os.Stat(path); err != nil {
		if required {
			return "MURMUR_REQUIRE_CHROMIUM=1 but " + path + " is missing: " + err.Error(), ""
		}
		return "", path + " not installed (set MURMUR_REQUIRE_CHROMIUM=1 to make this a failure)"
	}
	return "", ""
}

func TestMissingChromiumFailsWhenRequired(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-chromium")
	if fail, _ := chromiumMissing(missing, true); fail == "" {
		t.Error("a missing browser does not fail the test when MURMUR_REQUIRE_CHROMIUM=1")
	}
	if fail, skip := chromiumMissing(missing, false); fail != "" || skip == "" {
		t.Errorf("a missing browser without the variable: fail %q skip %q", fail, skip)
	}
}

// dumpDOM opens file in headless Chromium, lets timers run, and returns
// the DOM after load as Chromium serialises it.
func dumpDOM(t *testing.T, chromium, file string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(home, "profile"), "--virtual-time-budget=3000",
		"--dump-dom", "file://"+file)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, tail(stderr.String(), 2000))
	}
	if stdout.Len() == 0 {
		t.Fatalf("chromium printed no DOM\n%s", tail(stderr.String(), 2000))
	}
	return stdout.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// xssPayloads are messages that would run script or load from the server
// at u if any of them were live HTML. Script payloads set the body id to
// "pwned42" by computing it, so the marker never appears in the text itself.
func xssPayloads(u string) []string {
	js := `document.body.id='pwned'+(6*7)`
	return []string{
		`<script>` + js + `;new Image().src='` + u + `/script'</script>`,
		`<img src="` + u + `/img" onerror="` + js + `">`,
		`<IMG SRC=JaVaScRiPt:` + js + `>`,
		`<svg onload="` + js + `"><image href="` + u + `/svg-image"/></svg>`,
		`<svg><script>` + js + `</script></svg>`,
		`<iframe src="` + u + `/iframe"></iframe><iframe srcdoc="<script>parent.` + js + `</script>"></iframe>`,
		`<meta http-equiv="refresh" content="0;url=` + u + `/refresh">`,
		`<body onload="` + js + `"><details open ontoggle="` + js + `">x</details>`,
		`<a href="javascript:` + js + `">js link</a> [md js link](javascript:` + js + `) [entity link](&#106;avascript:` + js + `)`,
		`<link rel="stylesheet" href="` + u + `/css"><style>@import '` + u + `/import'; body { background: url(` + u + `/bg) }</style>`,
		`<object data="` + u + `/object"></object><embed src="` + u + `/embed"><video src="` + u + `/video" autoplay></video><audio src="` + u + `/audio" autoplay></audio>`,
		`<base href="` + u + `/base/"><form action="` + u + `/form"><input autofocus onfocus="` + js + `"></form>`,
		`<noscript><p title="</noscript><img src=x onerror=` + js + `>"></noscript>`,
		`<math><mtext><table><mglyph><style><img src=` + u + `/mxss onerror=` + js + `>`,
		`<p style="background:url(` + u + `/style-attr)">styled</p>`,
		"![remote image](" + u + "/md-image) and <" + u + "/autolink> and [a normal link](" + u + "/link)",
		"```html\n<script>" + js + "</script>\n```",
		`<scr<script>ipt>` + js + `</scr</script>ipt>`,
		`"><script>` + js + `</script>`,
	}
}

// hostileConversation puts the payloads everywhere content can go.
func hostileConversation(u string) *conversation.Conversation {
	payloads := xssPayloads(u)
	c := conversation.New(t0)
	c.Title = `</title><script>document.body.id='pwned'+(6*7)</script>`
	c.Model = `"><img src=` + u + `/model onerror=alert(1)>`
	sys := payloads[0]
	c.SystemPrompt = &sys
	c.Append(conversation.Message{Role: conversation.RoleUser, Status: conversation.StatusComplete, CreatedAt: t0,
		Content: conversation.TextContent("inertness-canary-start")})
	for i, p := range payloads {
		role := conversation.RoleAssistant
		if i%2 == 1 {
			role = conversation.RoleUser
		}
		c.Append(conversation.Message{Role: role, Status: conversation.StatusComplete, CreatedAt: t0,
			Content: conversation.TextContent(p), Reasoning: p, Model: `<script>x</script>`})
	}
	c.Append(conversation.Message{Role: conversation.RoleUser, Status: conversation.StatusComplete, CreatedAt: t0,
		Content: conversation.Content{Parts: []conversation.Part{
			{Type: "text", Text: "parts:"},
			{Type: "image_url", ImageURL: &conversation.ImageURL{URL: u + "/part-image"}},
			{Type: "image_url", ImageURL: &conversation.ImageURL{URL: "javascript:document.body.id='pwned'+(6*7)"}},
			{Type: "image_url", ImageURL: &conversation.ImageURL{URL: `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="document.body.id='pwned'+(6*7)"/>`}},
			{Type: "image_url", ImageURL: &conversation.ImageURL{URL: `data:image/png;base64,AAAA" onerror="document.body.id='pwned'+(6*7)`}},
		}}})
	// Attachments named with markup: an image shown inline, a file by name.
	img := conversation.Attachment{ID: conversation.AttachmentID(pngBytes), Name: `"><img src=x onerror=alert(1)>.png`, MIME: "image/png", Size: int64(len(pngBytes))}
	doc := conversation.Attachment{ID: conversation.AttachmentID([]byte("doc")), Name: `<script>document.body.id='pwned'+(6*7)</script>.pdf`, MIME: "application/pdf", Size: 3}
	c.Append(conversation.Message{Role: conversation.RoleUser, Status: conversation.StatusComplete, CreatedAt: t0,
		Content: conversation.Content{Parts: []conversation.Part{
			{Type: conversation.PartAttachment, Attachment: &img}, {Type: conversation.PartAttachment, Attachment: &doc}}}})
	c.Append(conversation.Message{Role: conversation.RoleAssistant, Status: conversation.StatusError, CreatedAt: t0,
		Error: &conversation.ErrorInfo{Message: payloads[0]}})
	c.Append(conversation.Message{Role: conversation.RoleUser, Status: conversation.StatusComplete, CreatedAt: t0,
		Content: conversation.TextContent("inertness-canary-end")})
	return c
}

func TestHTMLExportIsInertInChromium(t *testing.T) {
	chromium := needChromium(t)
	var log requestLog
	srv := httptest.NewServer(&log)
	defer srv.Close()
	dir := t.TempDir()

	// Control: the same kind of payload in a page we did not export must
	// be seen to run and to reach the server, or this test proves nothing.
	control := filepath.Join(dir, "control.html")
	page := `<!DOCTYPE html><html><body><p>control</p>` + xssPayloads(srv.URL + "/control")[0] + `</body></html>`
	if err := os.WriteFile(control, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	dom := dumpDOM(t, chromium, control)
	if !strings.Contains(dom, `id="pwned42"`) || len(log.seen()) == 0 {
		t.Fatalf("control page: script did not run or reach the server (requests %v); the harness cannot detect a failure:\n%s", log.seen(), tail(dom, 500))
	}
	log.mu.Lock()
	log.paths = nil
	log.mu.Unlock()

	var buf bytes.Buffer
	atts := newFakeAttachments()
	atts.data[conversation.AttachmentID(pngBytes)] = pngBytes
	atts.data[conversation.AttachmentID([]byte("doc"))] = []byte("doc")
	if err := Export(context.Background(), &buf, hostileConversation(srv.URL), FormatHTML, Options{AllBranches: true, Now: fixedNow, Attachments: atts}); err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(dir, "export.html")
	if err := os.WriteFile(exported, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dom = dumpDOM(t, chromium, exported)
	for _, want := range []string{"inertness-canary-start", "inertness-canary-end", "&lt;script&gt;document.body.id='pwned'+(6*7)",
		`src="data:image/png;base64,`, "📎 &lt;script&gt;document.body.id="} {
		if !strings.Contains(dom, want) {
			t.Errorf("exported page did not render %q as text", want)
		}
	}
	if strings.Contains(dom, "pwned42") {
		t.Errorf("a script in the exported page ran and changed the DOM")
	}
	if got := log.seen(); len(got) > 0 {
		t.Errorf("the exported page made requests: %v", got)
	}
	// Belt and braces on the file itself: only known tags and attributes.
	h := buf.String()
	for _, problem := range liveHTML(h) {
		t.Errorf("exported HTML: %s", problem)
	}
	if !strings.Contains(h, `<meta http-equiv="Content-Security-Policy" content="`+strings.ReplaceAll(CSP, "'", "&#39;")+`">`) {
		t.Error("exported HTML lacks the CSP meta tag")
	}
}

// allowedAttrs lists, per tag, the attributes an export may contain
// ("*" applies to every tag).
var allowedAttrs = map[string]string{
	"*":    " class dir lang ",
	"meta": " charset http-equiv content name ",
	"a":    " href rel title ",
	"img":  " src alt ",
	"time": " datetime ",
	"td":   " colspan align ", "th": " align ",
	"ol":    " start ",
	"input": " type checked disabled ",
}

const allowedTags = " html head meta title style body header h1 h2 h3 h4 h5 h6 dl dt dd main section article details summary " +
	"div p span em strong del code pre a img time table thead tbody tr th td ul ol li blockquote hr br input footer figure figcaption "

// liveHTML tokenizes an exported page and lists anything that could load
// or run: unknown tags, event handlers, links or images outside the
// allow-list, remote references in styles.
func liveHTML(h string) []string {
	var problems []string
	z := html.NewTokenizer(strings.NewReader(h))
	inStyle := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return problems
		case html.TextToken:
			if inStyle {
				css := strings.ToLower(string(z.Text()))
				if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
					problems = append(problems, "the style sheet references a URL")
				}
			}
		case html.EndTagToken:
			inStyle = false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			inStyle = tok.Data == "style"
			if !strings.Contains(allowedTags, " "+tok.Data+" ") {
				problems = append(problems, "tag <"+tok.Data+">")
			}
			for _, a := range tok.Attr {
				if !strings.Contains(allowedAttrs["*"]+allowedAttrs[tok.Data], " "+a.Key+" ") {
					problems = append(problems, "attribute "+a.Key+" on <"+tok.Data+">")
				}
				switch {
				case a.Key == "href" && allowedLink(a.Val) != a.Val:
					problems = append(problems, "link to "+a.Val)
				case a.Key == "src" && !inlineImage(a.Val):
					problems = append(problems, "image from "+a.Val)
				case a.Key == "http-equiv" && a.Val != "Content-Security-Policy":
					problems = append(problems, "meta http-equiv "+a.Val)
				}
			}
		}
	}
}

func TestLiveHTMLCheckerFindsLiveContent(t *testing.T) {
	got := liveHTML(`<p onclick="x">a</p><script>x</script><a href="javascript:x">j</a><img src="http://h/i"><style>b{background:url(http://h)}</style><a href="https://ok.example/">ok</a>`)
	want := []string{"attribute onclick on <p>", "tag <script>", "link to javascript:x", "image from http://h/i", "the style sheet references a URL"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("liveHTML = %q, want %q", got, want)
	}
}
