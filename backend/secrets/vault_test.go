package secrets

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// memKV is the browser's storage in memory.
type memKV struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (k *memKV) Get(_ context.Context, key string) ([]byte, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.m[key]
	return b, ok, nil
}
func (k *memKV) Put(_ context.Context, key string, v []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[key] = v
	return nil
}
func (k *memKV) Delete(_ context.Context, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, key)
	return nil
}

func (k *memKV) holds(secret string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, v := range k.m {
		if strings.Contains(string(v), secret) {
			return true
		}
	}
	return false
}

// openPage is a page load: Keys over the vault in kv, no environment.
func openPage(t *testing.T, kv *memKV) *Keys {
	t.Helper()
	v, err := OpenVault(context.Background(), kv)
	if err != nil {
		t.Fatal(err)
	}
	return New(WithBackend(v), WithLookupEnv(func(string) (string, bool) { return "", false }))
}

func TestVaultKeepsKeysForTheSessionUntilAskedToRemember(t *testing.T) {
	ctx := context.Background()
	kv := &memKV{m: map[string][]byte{}}
	const secret = "sk-test-0123456789abcdef"

	k := openPage(t, kv)
	if sw, on := k.Remembering(); !sw || on {
		t.Fatalf("Remembering = %v, %v; want a switch that is off", sw, on)
	}
	if err := k.Set(ctx, "swarms", secret); err != nil {
		t.Fatal(err)
	}
	st := k.Status(ctx, "swarms")
	if !st.Set || st.Source != SourceSession || !st.SessionOnly || !strings.Contains(st.Reason, "Remember keys on this device") {
		t.Fatalf("status before remembering: %+v", st)
	}
	if kv.holds(secret) {
		t.Fatal("the key was stored before the user asked")
	}
	if got := openPage(t, kv).Status(ctx, "swarms"); got.Set {
		t.Fatal("a reload found a key that was for the session only")
	}

	if err := k.Remember(ctx, true, []string{"swarms"}); err != nil {
		t.Fatal(err)
	}
	if !kv.holds(secret) {
		t.Fatal("remembering did not store the session's key")
	}
	if st := k.Status(ctx, "swarms"); st.Source != SourceKeychain || st.SessionOnly {
		t.Fatalf("status after remembering: %+v", st)
	}
	reloaded := openPage(t, kv)
	if got, err := reloaded.Get(ctx, "swarms"); err != nil || got != secret {
		t.Fatalf("after a reload: %q, %v", got, err)
	}
	if _, on := reloaded.Remembering(); !on {
		t.Fatal("the choice to remember was not kept")
	}

	if err := reloaded.Remember(ctx, false, []string{"swarms", "openai"}); err != nil {
		t.Fatal(err)
	}
	if kv.holds(secret) || len(kv.m) != 0 {
		t.Fatalf("forgetting left %v in storage", kv.m)
	}
	if got, err := reloaded.Get(ctx, "swarms"); err != nil || got != secret {
		t.Fatalf("the key should last the session after forgetting: %q, %v", got, err)
	}
	if st := reloaded.Status(ctx, "swarms"); !st.SessionOnly {
		t.Fatalf("status after forgetting: %+v", st)
	}
	if got := openPage(t, kv).Status(ctx, "swarms"); got.Set {
		t.Fatal("a reload after forgetting still found the key")
	}
}

func TestVaultDeleteRemovesTheStoredKey(t *testing.T) {
	ctx := context.Background()
	kv := &memKV{m: map[string][]byte{}}
	k := openPage(t, kv)
	if err := k.Remember(ctx, true, nil); err != nil {
		t.Fatal(err)
	}
	if err := k.Set(ctx, "swarms", "sk-test-0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, "swarms"); err != nil {
		t.Fatal(err)
	}
	if kv.holds("sk-test") || openPage(t, kv).Status(ctx, "swarms").Set {
		t.Fatal("the deleted key is still stored")
	}
}

func TestTheSystemKeychainIsNotSwitchable(t *testing.T) {
	k := New(WithBackend(newFake()))
	if sw, _ := k.Remembering(); sw {
		t.Fatal("a keychain reported as switchable")
	}
	if err := k.Remember(context.Background(), true, nil); err != ErrNotSwitchable {
		t.Fatalf("Remember = %v", err)
	}
}
