//go:build keyring_integration

// The real Secret Service test. scripts/keyring-test.sh runs it inside a
// throw-away D-Bus session with gnome-keyring and a temporary HOME:
//
//	go test -tags keyring_integration ./backend/secrets/...   (via the script)
//
// It refuses to run against a real user's keychain.

package secrets

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Child-process modes, chosen by environment variables so that a test can
// run a fresh process (a "restart") against the same or another bus.
const (
	childModeVar   = "MURMUR_KEYRING_CHILD"
	childIDVar     = "MURMUR_KEYRING_CHILD_ID"
	childSHAVar    = "MURMUR_KEYRING_CHILD_SHA"
	childReasonVar = "MURMUR_KEYRING_CHILD_REASON"
	sandboxVar     = "MURMUR_KEYRING_SANDBOX"
	keysFileVar    = "MURMUR_KEYRING_KEYS_FILE"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childModeVar) {
	case "":
		os.Exit(m.Run())
	case "read":
		os.Exit(childRead())
	case "nokeychain":
		os.Exit(childNoKeychain())
	default:
		fmt.Fprintf(os.Stderr, "unknown %s\n", childModeVar)
		os.Exit(2)
	}
}

// childRead reads the key of MURMUR_KEYRING_CHILD_ID from the real keychain
// and compares its SHA-256 with MURMUR_KEYRING_CHILD_SHA ("absent" means no
// key must be there). The key itself never leaves the process.
func childRead() int {
	ctx := context.Background()
	id, want := os.Getenv(childIDVar), os.Getenv(childSHAVar)
	k := New(WithLookupEnv(noEnvLookup))
	got, err := k.Get(ctx, id)
	st := k.Status(ctx, id)
	if want == "absent" {
		if !errors.Is(err, ErrNotFound) || st.Set || st.SessionOnly {
			fmt.Fprintf(os.Stderr, "child: want no key, got err=%v status=%+v\n", err, st)
			return 1
		}
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "child: Get: %v (status %+v)\n", err, st)
		return 1
	}
	if sum := sha256.Sum256([]byte(got)); hex.EncodeToString(sum[:]) != want {
		fmt.Fprintln(os.Stderr, "child: the key read back differs from the key set")
		return 1
	}
	if st.Source != SourceKeychain || st.SessionOnly {
		fmt.Fprintf(os.Stderr, "child: status %+v, want keychain\n", st)
		return 1
	}
	return 0
}

// childNoKeychain runs against a bus without a usable Secret Service and
// checks the session-only fallback end to end.
func childNoKeychain() int {
	ctx := context.Background()
	id, reason := os.Getenv(childIDVar), os.Getenv(childReasonVar)
	k := New(WithLookupEnv(noEnvLookup))
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "child: "+format+"\n", args...)
		return 1
	}
	st := k.Status(ctx, id)
	if st.Set || !st.SessionOnly || !strings.Contains(st.Reason, reason) {
		return fail("status before Set %+v, want session-only because %q", st, reason)
	}
	key := randomKey()
	if err := k.Set(ctx, id, key); err != nil {
		return fail("Set: %v", err)
	}
	st = k.Status(ctx, id)
	if !st.Set || st.Source != SourceSession || !st.SessionOnly || !strings.Contains(st.Reason, reason) {
		return fail("status after Set %+v, want a session key because %q", st, reason)
	}
	if got, err := k.Get(ctx, id); err != nil || got != key {
		return fail("Get: %v", err)
	}
	if err := k.Delete(ctx, id); err != nil {
		return fail("Delete: %v", err)
	}
	if st := k.Status(ctx, id); st.Set {
		return fail("status after Delete %+v", st)
	}
	fmt.Fprintf(os.Stderr, "child: session-only as expected: %s\n", st.Reason)
	return 0
}

func noEnvLookup(string) (string, bool) { return "", false }

// randomKey returns a fresh test key and records it in the keys file, so
// that the script can search the temporary HOME for it once every daemon has
// exited.
func randomKey() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	key := "murmur-it-" + hex.EncodeToString(b)
	if name := os.Getenv(keysFileVar); name != "" {
		f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		if _, err := fmt.Fprintln(f, key); err != nil {
			panic(err)
		}
	}
	return key
}

// requireSandbox stops the test unless it runs where the script put it: a
// throw-away HOME and session bus, never a person's own keychain.
func requireSandbox(t *testing.T) string {
	t.Helper()
	home := os.Getenv("HOME")
	if os.Getenv(sandboxVar) != "1" || home == "" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatalf("run this test through scripts/keyring-test.sh: it needs a temporary HOME, "+
			"a private D-Bus session with gnome-keyring and %s=1", sandboxVar)
	}
	return home
}

// runChild runs this test binary again as a separate process.
func runChild(t *testing.T, env ...string) (string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func uniqueID() string {
	return fmt.Sprintf("it-%d", time.Now().UnixNano())
}

func TestIntegrationSurvivesRestart(t *testing.T) {
	home := requireSandbox(t)
	ctx := context.Background()
	id := uniqueID()
	key := randomKey()
	sum := sha256.Sum256([]byte(key))
	shaHex := hex.EncodeToString(sum[:])

	k := New(WithLookupEnv(noEnvLookup))
	if st := k.Status(ctx, id); st.Set || st.SessionOnly {
		t.Fatalf("status before Set = %+v, want no key and a working keychain", st)
	}
	if err := k.Set(ctx, id, key); err != nil {
		t.Fatal(err)
	}
	st := k.Status(ctx, id)
	if !st.Set || st.Source != SourceKeychain || st.SessionOnly || st.Hint != key[len(key)-4:] {
		t.Fatalf("status after Set = %+v, want the keychain", st)
	}
	if got, err := k.Get(ctx, id); err != nil || got != key {
		t.Fatalf("read back: %v (same key: %v)", err, got == key)
	}

	// Another program sees it in the Secret Service, under service
	// "murmur" and the provider id as account.
	if path, err := exec.LookPath("secret-tool"); err == nil {
		out, err := exec.CommandContext(ctx, path, "lookup", "service", Service, "username", id).Output()
		if err != nil || string(out) != key {
			t.Fatalf("secret-tool lookup: %v (same key: %v)", err, string(out) == key)
		}
	}

	// A restart: a new process reads it again.
	if out, err := runChild(t, childModeVar+"=read", childIDVar+"="+id, childSHAVar+"="+shaHex); err != nil {
		t.Fatalf("restarted process could not read the key: %v\n%s", err, out)
	}

	if err := k.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st := k.Status(ctx, id); st.Set {
		t.Fatalf("status after Delete = %+v", st)
	}
	if out, err := runChild(t, childModeVar+"=read", childIDVar+"="+id, childSHAVar+"=absent"); err != nil {
		t.Fatalf("restarted process still finds the deleted key: %v\n%s", err, out)
	}
	assertNotUnder(t, home, key)
}

func TestIntegrationOriginChangeForgetsKey(t *testing.T) {
	home := requireSandbox(t)
	ctx := context.Background()
	id := uniqueID()
	key := randomKey()
	k := New(WithLookupEnv(noEnvLookup))
	if err := k.Set(ctx, id, key); err != nil {
		t.Fatal(err)
	}
	forgotten, err := k.ForgetMoved(ctx,
		[]Endpoint{{id, "https://llm.example.com/v1"}},
		[]Endpoint{{id, "https://other.example.net/v1"}})
	if err != nil || len(forgotten) != 1 {
		t.Fatalf("ForgetMoved = %v, %v", forgotten, err)
	}
	if out, err := runChild(t, childModeVar+"=read", childIDVar+"="+id, childSHAVar+"=absent"); err != nil {
		t.Fatalf("the key survived an origin change: %v\n%s", err, out)
	}
	assertNotUnder(t, home, key)
}

func TestIntegrationNoSecretServiceIsSessionOnly(t *testing.T) {
	requireSandbox(t)
	addr := startBareBus(t)
	out, err := runChild(t, childModeVar+"=nokeychain", childIDVar+"="+uniqueID(),
		childReasonVar+"=no Secret Service is running", "DBUS_SESSION_BUS_ADDRESS="+addr)
	if err != nil {
		t.Fatalf("on a bus without a Secret Service: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
}

func TestIntegrationNoSessionBusIsSessionOnly(t *testing.T) {
	requireSandbox(t)
	addr := "unix:path=" + filepath.Join(t.TempDir(), "no-such-bus")
	out, err := runChild(t, childModeVar+"=nokeychain", childIDVar+"="+uniqueID(),
		childReasonVar+"=no D-Bus session bus", "DBUS_SESSION_BUS_ADDRESS="+addr)
	if err != nil {
		t.Fatalf("with an unreachable session bus: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))
}

// bareBusConfig is a session bus with no service directories, so nothing can
// be activated on it: in particular no org.freedesktop.secrets.
const bareBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startBareBus starts a private dbus-daemon with no services and stops it
// when the test ends. It returns the bus address.
func startBareBus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "bare.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, bareBusConfig, filepath.Join(dir, "bus")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			line <- strings.TrimSpace(s.Text())
		}
		close(line)
	}()
	select {
	case addr, ok := <-line:
		if !ok || addr == "" {
			t.Fatalf("dbus-daemon printed no address: %s", stderr.String())
		}
		return addr
	case <-time.After(10 * time.Second):
		t.Fatalf("dbus-daemon did not start: %s", stderr.String())
	}
	return ""
}

// assertNotUnder fails if any file under dir contains key.
func assertNotUnder(t *testing.T, dir, key string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		files++
		if bytes.Contains(b, []byte(key)) {
			t.Errorf("%s contains the key in plain text", path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	t.Logf("checked %d files under %s: none holds the key", files, dir)
}
