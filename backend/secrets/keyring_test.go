//go:build !js

package secrets

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// The go-keyring mock is package-level state of go-keyring, so these tests
// do not run in parallel.
func TestGoKeyringMockRoundTrip(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	k := New(WithBackend(GoKeyring()), WithLookupEnv(noEnv))

	if st := k.Status(ctx, "openai"); st.Set || st.Source != SourceNone || st.SessionOnly {
		t.Fatalf("before Set: %+v, want not set and keychain usable", st)
	}
	if _, err := k.Get(ctx, "openai"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, "openai", "  "+testKey+"\n"); err != nil {
		t.Fatal(err)
	}
	// Stored where go-keyring puts it: service "murmur", account = id,
	// trimmed.
	if v, err := keyring.Get("murmur", "openai"); err != nil || v != testKey {
		t.Fatalf("keyring holds %q, %v", v, err)
	}
	// A second Keys (a restart) reads it from the keychain.
	k2 := New(WithBackend(GoKeyring()), WithLookupEnv(noEnv))
	if got, err := k2.Get(ctx, "openai"); err != nil || got != testKey {
		t.Fatalf("Get after restart = %q, %v", got, err)
	}
	st := k2.Status(ctx, "openai")
	if want := (Status{Set: true, Source: SourceKeychain, Hint: "WXYZ"}); st != want {
		t.Fatalf("Status = %+v, want %+v", st, want)
	}
	if err := k2.Delete(ctx, "openai"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("murmur", "openai"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("after Delete keyring.Get: %v", err)
	}
	if err := k2.Delete(ctx, "openai"); err != nil {
		t.Fatalf("deleting a missing key: %v, want nil", err)
	}
	if st := k2.Status(ctx, "openai"); st.Set {
		t.Fatalf("after Delete: %+v", st)
	}
}

func TestSessionOnlyWhenKeychainFails(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		err        error
		wantReason string
	}{
		{"no secret service", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), "no Secret Service is running"},
		{"locked without prompt", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "keychain is locked"},
		{"no session bus", errors.New("dbus: couldn't determine address of session bus"), "no D-Bus session bus"},
		{"bus socket gone", errors.New("dial unix /run/user/1000/bus: connect: no such file or directory"), "no D-Bus session bus"},
		{"sandbox", errors.New("org.freedesktop.DBus.Error.AccessDenied: Rejected send message"), "access to the keychain was denied"},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, "no supported keychain"},
		{"anything else", errors.New("the wombats ate the keychain"), "the keychain reported an error: the wombats ate the keychain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInitWithError(tt.err)
			k := New(WithBackend(GoKeyring()), WithLookupEnv(noEnv))

			before := k.Status(ctx, "swarms")
			if before.Set || !before.SessionOnly || !strings.Contains(before.Reason, tt.wantReason) {
				t.Fatalf("Status before Set = %+v, want session-only because %q", before, tt.wantReason)
			}
			if err := k.Set(ctx, "swarms", testKey); err != nil {
				t.Fatalf("Set: %v, want the key kept for the session", err)
			}
			st := k.Status(ctx, "swarms")
			if !st.Set || st.Source != SourceSession || !st.SessionOnly || !strings.Contains(st.Reason, tt.wantReason) {
				t.Fatalf("Status = %+v, want session-only because %q", st, tt.wantReason)
			}
			if got, err := k.Get(ctx, "swarms"); err != nil || got != testKey {
				t.Fatalf("Get = %q, %v", got, err)
			}
			// A new process (a new Keys) does not have it: session only.
			k2 := New(WithBackend(GoKeyring()), WithLookupEnv(noEnv))
			if _, err := k2.Get(ctx, "swarms"); !errors.Is(err, ErrNoKeychain) {
				t.Fatalf("Get in a new session: %v, want ErrNoKeychain", err)
			}
		})
	}
	keyring.MockInit()
}
