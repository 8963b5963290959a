//go:build !js

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm/llmtest"
)

// The tests in this file drive the real murmur binary, built once, against
// the fake API with temp XDG folders.

// e2eVersion is stamped into the binary the way a release build does.
const e2eVersion = "v9.8.7-3-gabcdef0"

var buildOnce struct {
	sync.Once
	path string
	err  error
	out  []byte
}

func murmurBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "murmur-e2e-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "murmur")
		cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+e2eVersion, "-o", buildOnce.path, ".")
		buildOnce.out, buildOnce.err = cmd.CombinedOutput()
	})
	if buildOnce.err != nil {
		t.Fatalf("build murmur: %v\n%s", buildOnce.err, buildOnce.out)
	}
	return buildOnce.path
}

type e2e struct {
	t    *testing.T
	bin  string
	home string
	api  *httptest.Server
}

func newE2E(t *testing.T, rate float64) *e2e {
	t.Helper()
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: rate}))
	t.Cleanup(api.Close)
	e := &e2e{t: t, bin: murmurBinary(t), home: t.TempDir(), api: api}
	e.ok("provider", "add", "--preset", "custom", "--id", "fake", "--name", "Fake",
		"--base-url", api.URL+"/v1", "--auth", "none", "--model", "fake-model", "--default")
	return e
}

func (e *e2e) command(args ...string) *exec.Cmd {
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(),
		"HOME="+e.home,
		"XDG_DATA_HOME="+filepath.Join(e.home, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(e.home, "config"),
		"XDG_STATE_HOME="+filepath.Join(e.home, "state"),
		"XDG_CACHE_HOME="+filepath.Join(e.home, "cache"),
		"SWARMS_API_KEY=",
		// Never reach the developer's real keychain from a test.
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(e.home, "no-bus"),
	)
	return cmd
}

// run runs murmur and returns stdout, stderr and the exit status.
func (e *e2e) run(stdin string, args ...string) (string, string, int) {
	e.t.Helper()
	cmd := e.command(args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run murmur %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func (e *e2e) ok(args ...string) string {
	e.t.Helper()
	out, errs, code := e.run("", args...)
	if code != 0 {
		e.t.Fatalf("murmur %v exited %d: %s", args, code, errs)
	}
	return out
}

// conversations reads every stored conversation file.
func (e *e2e) conversations() []*conversation.Conversation {
	e.t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.home, "data", "murmur", "conversations", "*.json"))
	var out []*conversation.Conversation
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			e.t.Fatal(err)
		}
		var c conversation.Conversation
		if err := json.Unmarshal(b, &c); err != nil {
			e.t.Fatalf("%s does not parse: %v", f, err)
		}
		out = append(out, &c)
	}
	return out
}

func TestCLIAskStoresBothMessages(t *testing.T) {
	e := newE2E(t, 2000)
	out := e.ok("ask", "/echo", "the", "quick", "brown", "fox")
	if !strings.Contains(out, "the quick brown fox") {
		t.Fatalf("stdout %q does not carry the reply", out)
	}
	convs := e.conversations()
	if len(convs) != 1 {
		t.Fatalf("%d conversations stored, want 1", len(convs))
	}
	path := convs[0].Path()
	if len(path) != 2 || path[0].Role != conversation.RoleUser || path[1].Status != conversation.StatusComplete ||
		!strings.Contains(path[1].Content.PlainText(), "the quick brown fox") {
		t.Fatalf("stored path %+v", path)
	}

	// Standard input works as the prompt, and --conversation continues it.
	out, errs, code := e.run("/echo from stdin", "ask", "--conversation", convs[0].ID)
	if code != 0 || !strings.Contains(out, "from stdin") {
		t.Fatalf("ask from stdin: code %d, out %q, err %q", code, out, errs)
	}
	if n := len(e.conversations()[0].Path()); n != 4 {
		t.Fatalf("the conversation has %d messages on its path, want 4", n)
	}

	list := e.ok("list")
	if !strings.Contains(list, convs[0].ID) {
		t.Errorf("list does not show the conversation: %q", list)
	}
	show := e.ok("show", convs[0].ID)
	if !strings.Contains(show, "from stdin") || !strings.Contains(show, "## user") {
		t.Errorf("show: %q", show)
	}
	search := e.ok("search", "quick")
	if !strings.Contains(search, "[quick]") {
		t.Errorf("search does not mark the match: %q", search)
	}
	md := e.ok("export", convs[0].ID, "--format", "md")
	if !strings.Contains(md, "the quick brown fox") {
		t.Errorf("markdown export: %q", md)
	}
}

func TestCLIServerErrorIsReadable(t *testing.T) {
	e := newE2E(t, 2000)
	for _, tc := range []struct{ code, want string }{
		{"401", "Invalid API key"},
		{"402", "credit"},
		{"403", "premium"},
	} {
		_, errs, code := e.run("", "ask", "/error", tc.code)
		if code != 1 {
			t.Errorf("/error %s: exit %d, want 1", tc.code, code)
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "murmur: ") || !strings.Contains(strings.ToLower(lines[0]), strings.ToLower(tc.want)) {
			t.Errorf("/error %s: stderr %q, want one readable line about %q", tc.code, errs, tc.want)
		}
		if strings.Contains(errs, "{") {
			t.Errorf("/error %s: stderr shows raw JSON: %q", tc.code, errs)
		}
	}
}

func TestCLIUsageErrors(t *testing.T) {
	e := newE2E(t, 2000)
	for _, args := range [][]string{
		{"ask"},
		{"show"},
		{"export", "--format", "md"},
		{"ask", "--temperature", "hot", "hi"},
	} {
		_, errs, code := e.run("", args...)
		if code != 2 || !strings.Contains(errs, "usage: murmur") {
			t.Errorf("murmur %v: exit %d, stderr %q; want 2 with usage", args, code, errs)
		}
	}
	_, errs, code := e.run("", "show", "../../etc/passwd")
	if code != 1 || !strings.Contains(errs, "not a conversation id") {
		t.Errorf("show with a path: exit %d, stderr %q", code, errs)
	}
	out, _, code := e.run("", "ask", "--help")
	if code != 0 || !strings.Contains(out, "usage: murmur ask") {
		t.Errorf("ask --help: exit %d, %q", code, out)
	}
	// An unknown command prints the usage, never a panic from the window.
	out, errs, code = e.run("", "foo")
	if code != 2 || !strings.Contains(errs, `unknown command "foo"`) || !strings.Contains(errs, "Commands:") ||
		strings.Contains(out+errs, "panic") {
		t.Errorf("murmur foo: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, _, code = e.run("", "--version")
	if code != 0 || !strings.HasPrefix(out, "murmur ") {
		t.Errorf("murmur --version: exit %d, %q", code, out)
	}
}

// Without a display the window cannot open: one readable line that says so
// and that the commands work, exit 1, no stack trace.
func TestWindowWithoutDisplaySaysSo(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux desktops need DISPLAY or WAYLAND_DISPLAY")
	}
	e := newE2E(t, 2000)
	cmd := e.command()
	cmd.Env = append(cmd.Env, "DISPLAY=", "WAYLAND_DISPLAY=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if !ok || ee.ExitCode() != 1 || len(lines) != 1 || !strings.Contains(lines[0], "no display") ||
		!strings.Contains(lines[0], "murmur help") || strings.Contains(errb.String(), "panic") {
		t.Fatalf("murmur without a display: %v, stderr %q", err, errb.String())
	}
}

func TestCLIKeyComesFromStdinNeverArgs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("this test keeps the key away from the real keychain with a fake D-Bus address, which only Linux uses")
	}
	e := newE2E(t, 2000)
	out, errs, code := e.run("sk-test-abcdefghijklmnop1234\n", "key", "set", "swarms")
	// There is no keychain behind the fake bus: the key lasts for this
	// process only, and the CLI must say so.
	if code != 0 {
		t.Fatalf("key set: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "no keychain") {
		t.Errorf("key set did not warn that the key is session-only: %q", errs)
	}
	if strings.Contains(out+errs, "sk-test-abcdefghijklmnop1234") {
		t.Fatal("the key was echoed")
	}
	if !strings.Contains(out, "1234") {
		t.Errorf("key set does not show the hint: %q", out)
	}
	if err := filepath.Walk(e.home, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("sk-test-abcdefghijklmnop1234")) {
			t.Errorf("the key was written to %s", p)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// murmur serve through the real binary: the settings' provider, the key
// from the environment, a streamed reply through the proxy, a graceful stop.
func TestServeProxiesTheProviderWithItsKey(t *testing.T) {
	const key = "sk-served-key-0123456789"
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{TokensPerSecond: 2000, Key: key}))
	t.Cleanup(api.Close)
	e := &e2e{t: t, bin: murmurBinary(t), home: t.TempDir(), api: api}
	e.ok("provider", "add", "--preset", "custom", "--id", "fake", "--name", "Fake",
		"--base-url", api.URL+"/v1", "--auth", "bearer", "--model", "fake-model", "--default")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := e.command("serve", "--listen", addr, "--provider", "fake", "--allow-no-origin")
	cmd.Env = append(cmd.Env, "MURMUR_API_KEY_FAKE="+key)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			t.Fatalf("murmur serve did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	body := `{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"/echo through the proxy"}]}`
	resp, err := http.Post(base+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "proxy") || !strings.Contains(string(b), "[DONE]") {
		t.Fatalf("streamed reply: %d %s", resp.StatusCode, b)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("murmur serve after SIGTERM: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String()+string(b), key) {
		t.Fatal("the key appears in a response or the log")
	}
}
