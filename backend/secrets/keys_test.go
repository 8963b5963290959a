package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const testKey = "sk-test-0123456789abcdefWXYZ"

func TestEnvVarName(t *testing.T) {
	tests := []struct{ id, want string }{
		{"swarms", "MURMUR_API_KEY_SWARMS"},
		{"openai", "MURMUR_API_KEY_OPENAI"},
		{"my-local.llm_2", "MURMUR_API_KEY_MY_LOCAL_LLM_2"},
		{"lmstudio", "MURMUR_API_KEY_LMSTUDIO"},
	}
	for _, tt := range tests {
		if got := EnvVar(tt.id); got != tt.want {
			t.Errorf("EnvVar(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// The names a message tells a person to set come from EnvVars: the
// provider's own variable first.
func TestEnvHintNamesEveryVariable(t *testing.T) {
	for id, want := range map[string]string{
		"swarms": "SWARMS_API_KEY (or MURMUR_API_KEY_SWARMS)",
		"my-llm": "MURMUR_API_KEY_MY_LLM",
	} {
		got := EnvHint(id)
		if got != want {
			t.Errorf("EnvHint(%q) = %q, want %q", id, got, want)
		}
		for _, v := range EnvVars(id) {
			if !strings.Contains(got, v) {
				t.Errorf("EnvHint(%q) = %q leaves out %s", id, got, v)
			}
		}
	}
}

// A keychain that cannot be used says why; a key that is only missing, or
// another failure, is not a keychain problem.
func TestKeychainProblemGivesTheReason(t *testing.T) {
	ctx := context.Background()
	noEnv := WithLookupEnv(func(string) (string, bool) { return "", false })
	_, err := New(WithBackend(SessionOnly(reasonNoBus)), noEnv).Get(ctx, "swarms")
	if reason, ok := KeychainProblem(err); !ok || reason != reasonNoBus {
		t.Errorf("KeychainProblem(%v) = %q, %v; want the no-bus reason", err, reason, ok)
	}
	_, err = New(WithBackend(NewMemoryBackend()), noEnv).Get(ctx, "swarms")
	if reason, ok := KeychainProblem(err); ok || !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing key: KeychainProblem(%v) = %q, %v; want not a keychain problem", err, reason, ok)
	}
	if _, ok := KeychainProblem(errors.New("disk on fire")); ok {
		t.Error("any error is a keychain problem")
	}
}

func TestSourcesInOrder(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		id         string
		env        map[string]string
		keychain   string
		wantKey    string
		wantSource Source
		wantEnvVar string
	}{
		{"murmur variable wins over everything", "swarms",
			map[string]string{"MURMUR_API_KEY_SWARMS": "from-murmur-var-1234", "SWARMS_API_KEY": "from-swarms-var-5678"},
			"from-keychain-abcd", "from-murmur-var-1234", SourceEnv, "MURMUR_API_KEY_SWARMS"},
		{"SWARMS_API_KEY for swarms", "swarms",
			map[string]string{"SWARMS_API_KEY": "  from-swarms-var-5678\n"}, "from-keychain-abcd",
			"from-swarms-var-5678", SourceEnv, "SWARMS_API_KEY"},
		{"SWARMS_API_KEY is not for other providers", "openai",
			map[string]string{"SWARMS_API_KEY": "from-swarms-var-5678"}, "from-keychain-abcd",
			"from-keychain-abcd", SourceKeychain, ""},
		{"blank variable is ignored", "openai",
			map[string]string{"MURMUR_API_KEY_OPENAI": "   "}, "from-keychain-abcd",
			"from-keychain-abcd", SourceKeychain, ""},
		{"custom id variable", "my-llm",
			map[string]string{"MURMUR_API_KEY_MY_LLM": "custom-key-00001111"}, "",
			"custom-key-00001111", SourceEnv, "MURMUR_API_KEY_MY_LLM"},
		{"keychain only", "openai", nil, "from-keychain-abcd", "from-keychain-abcd", SourceKeychain, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := newFake()
			if tt.keychain != "" {
				fb.items[Service+"/"+tt.id] = tt.keychain
			}
			k := New(WithBackend(fb), WithLookupEnv(env(tt.env)))
			got, err := k.Get(ctx, tt.id)
			if err != nil || got != tt.wantKey {
				t.Fatalf("Get = %q, %v; want %q", got, err, tt.wantKey)
			}
			st := k.Status(ctx, tt.id)
			if !st.Set || st.Source != tt.wantSource || st.EnvVar != tt.wantEnvVar {
				t.Errorf("Status = %+v; want set from %s (%q)", st, tt.wantSource, tt.wantEnvVar)
			}
			if st.Hint != tt.wantKey[len(tt.wantKey)-4:] {
				t.Errorf("Hint = %q, want the last 4 characters of the key", st.Hint)
			}
		})
	}
}

func TestTimeoutDoesNotHang(t *testing.T) {
	ctx := context.Background()
	fb := newFake()
	fb.block = make(chan struct{})
	defer close(fb.block)
	k := New(WithBackend(fb), WithLookupEnv(noEnv), WithTimeout(20*time.Millisecond))

	done := make(chan error, 1)
	go func() { done <- k.Set(ctx, "swarms", testKey) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Set: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Set hung on a keychain that never answers")
	}
	st := k.Status(ctx, "swarms")
	if !st.Set || st.Source != SourceSession || !strings.Contains(st.Reason, "did not answer within 20ms") {
		t.Fatalf("Status = %+v", st)
	}
	// A second call while the first is still stuck also times out rather
	// than queueing forever.
	err := k.Delete(ctx, "openai")
	if err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("Delete while the keychain is stuck: %v, want a timeout error", err)
	}
}

func TestCancelledContextIsNotSessionOnly(t *testing.T) {
	fb := newFake()
	fb.block = make(chan struct{})
	defer close(fb.block)
	k := New(WithBackend(fb), WithLookupEnv(noEnv), WithTimeout(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	err := k.Set(ctx, "swarms", testKey)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Set with a cancelled context: %v", err)
	}
	k.mu.Lock()
	_, kept := k.session["swarms"]
	k.mu.Unlock()
	if kept {
		t.Fatal("a cancelled Set kept the key for the session")
	}
}

func TestRetryAfterFailure(t *testing.T) {
	ctx := context.Background()
	fb := newFake()
	fb.setErr(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	k := New(WithBackend(fb), WithLookupEnv(noEnv), WithClock(clock.now), WithRetryAfter(time.Minute))

	if st := k.Status(ctx, "openai"); !st.SessionOnly {
		t.Fatalf("%+v", st)
	}
	calls := fb.callCount()
	k.Status(ctx, "openai")
	k.Get(ctx, "openai")
	if fb.callCount() != calls {
		t.Fatalf("the keychain was asked again within the retry interval")
	}
	// A key set now is kept in memory, and its status keeps saying why
	// even after the retry interval.
	if err := k.Set(ctx, "swarms", testKey); err != nil {
		t.Fatal(err)
	}
	clock.advance(2 * time.Minute)
	if st := k.Status(ctx, "swarms"); st.Source != SourceSession || !st.SessionOnly || !strings.Contains(st.Reason, "no Secret Service") {
		t.Fatalf("session key after the retry interval: %+v", st)
	}
	// The keychain comes back (the user started gnome-keyring).
	fb.setErr(nil)
	fb.items[Service+"/openai"] = testKey
	clock.advance(time.Minute)
	if st := k.Status(ctx, "openai"); !st.Set || st.Source != SourceKeychain || st.SessionOnly {
		t.Fatalf("after the retry interval: %+v", st)
	}
}

func TestSetMovesSessionKeyToKeychainWhenItReturns(t *testing.T) {
	ctx := context.Background()
	fb := newFake()
	fb.setErr(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))
	k := New(WithBackend(fb), WithLookupEnv(noEnv))
	if err := k.Set(ctx, "swarms", "old-key-00000000"); err != nil {
		t.Fatal(err)
	}
	fb.setErr(nil) // unlocked
	if err := k.Set(ctx, "swarms", testKey); err != nil {
		t.Fatal(err)
	}
	if v, ok := fb.stored("swarms"); !ok || v != testKey {
		t.Fatalf("keychain holds %q", v)
	}
	if st := k.Status(ctx, "swarms"); st.Source != SourceKeychain || st.SessionOnly {
		t.Fatalf("%+v", st)
	}
}

func TestBadKeysAndIDs(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, id, key, want string
	}{
		{"empty key", "swarms", "   ", "the key is empty"},
		{"key with a space", "swarms", "sk-abc def", "paste only the key"},
		{"key with a line break", "swarms", "sk-abc\ndef", "paste only the key"},
		{"empty id", "", testKey, "provider id is empty"},
		{"upper-case id", "OpenAI", testKey, "lower-case letters"},
		{"path in id", "../x", testKey, "lower-case letters"},
		{"long id", strings.Repeat("a", 65), testKey, "longer than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := newFake()
			k := New(WithBackend(fb), WithLookupEnv(noEnv))
			err := k.Set(ctx, tt.id, tt.key)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Set: %v, want %q", err, tt.want)
			}
			if fb.callCount() != 0 {
				t.Fatal("the keychain was called with a bad key or id")
			}
			if strings.TrimSpace(tt.key) != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.key)) {
				t.Fatalf("the error shows the key: %v", err)
			}
		})
	}
}

func TestSizeLimits(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		goos    string
		size    int
		wantErr string
	}{
		{"windows", 2560, ""},
		{"windows", 2561, "the Windows Credential Manager holds at most 2560"},
		// go-keyring's command for "swarms" is 66 bytes plus the base64 of
		// the key, at most 4096: 4*ceil(n/3) <= 4030, so n <= 3021.
		{"darwin", 3021, ""},
		{"darwin", 3022, "the macOS Keychain holds at most about 3021"},
		{"linux", 16 << 10, ""},
		{"linux", 16<<10 + 1, "was a file pasted?"},
	}
	for _, tt := range tests {
		fb := newFake()
		k := New(WithBackend(fb), WithLookupEnv(noEnv), WithPlatform(tt.goos))
		key := strings.Repeat("k", tt.size)
		err := k.Set(ctx, "swarms", key)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s %d bytes: %v", tt.goos, tt.size, err)
			}
			continue
		}
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s %d bytes: %v, want %q", tt.goos, tt.size, err, tt.wantErr)
		}
		if _, ok := fb.stored("swarms"); ok {
			t.Errorf("%s: a too large key was stored", tt.goos)
		}
		if st := k.Status(ctx, "swarms"); st.Set {
			t.Errorf("%s: a too large key is in use: %+v", tt.goos, st)
		}
	}
}

func TestKeychainRefusesSize(t *testing.T) {
	fb := newFake()
	fb.setSize = 100
	k := New(WithBackend(fb), WithLookupEnv(noEnv), WithPlatform("linux"))
	err := k.Set(context.Background(), "swarms", strings.Repeat("k", 101))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size != 101 {
		t.Fatalf("Set: %v, want a TooLargeError", err)
	}
	if st := k.Status(context.Background(), "swarms"); st.Set {
		t.Fatalf("a refused key is in use: %+v", st)
	}
}

func TestDeleteWhenKeychainCannotBeReached(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		err     error
		wantErr bool
	}{
		{"no secret service holds nothing", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), false},
		{"no bus holds nothing", &unavailableError{reason: reasonNoBus}, false},
		{"locked may still hold the key", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := newFake()
			fb.setErr(tt.err)
			k := New(WithBackend(fb), WithLookupEnv(noEnv))
			if err := k.Set(ctx, "swarms", testKey); err != nil {
				t.Fatal(err)
			}
			err := k.Delete(ctx, "swarms")
			if (err != nil) != tt.wantErr {
				t.Fatalf("Delete: %v, want error %v", err, tt.wantErr)
			}
			if st := k.Status(ctx, "swarms"); st.Set {
				t.Fatalf("the session key survived Delete: %+v", st)
			}
		})
	}
}

func TestEnvKeyIsNotDeleted(t *testing.T) {
	ctx := context.Background()
	fb := newFake()
	fb.items[Service+"/swarms"] = "keychain-key-0000"
	k := New(WithBackend(fb), WithLookupEnv(env(map[string]string{"SWARMS_API_KEY": testKey})))
	if err := k.Delete(ctx, "swarms"); err != nil {
		t.Fatal(err)
	}
	if _, ok := fb.stored("swarms"); ok {
		t.Fatal("Delete left the keychain key")
	}
	if st := k.Status(ctx, "swarms"); !st.Set || st.Source != SourceEnv || st.EnvVar != "SWARMS_API_KEY" {
		t.Fatalf("%+v", st)
	}
}

func TestHint(t *testing.T) {
	tests := []struct{ key, want string }{
		{"short-key", ""},
		{"12345678901", ""},
		{"123456789012", "9012"},
		{"sk-ünïcødé-kéy-çafé", "çafé"},
	}
	for _, tt := range tests {
		if got := hint(tt.key); got != tt.want {
			t.Errorf("hint(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestStatusNeverCarriesTheKey(t *testing.T) {
	ctx := context.Background()
	for _, fail := range []bool{false, true} {
		fb := newFake()
		if fail {
			fb.setErr(errors.New("failed to unlock correct collection '/x'"))
		}
		k := New(WithBackend(fb), WithLookupEnv(noEnv))
		if err := k.Set(ctx, "swarms", testKey); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(k.Status(ctx, "swarms"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), testKey[:len(testKey)-4]) {
			t.Fatalf("status JSON shows the key: %s", b)
		}
	}
}

func TestSessionOnlyBackend(t *testing.T) {
	ctx := context.Background()
	k := New(WithBackend(SessionOnly("the web version has no keychain")), WithLookupEnv(noEnv))
	st := k.Status(ctx, "swarms")
	if st.Set || !st.SessionOnly || st.Reason != "the web version has no keychain" {
		t.Fatalf("%+v", st)
	}
	if err := k.Set(ctx, "swarms", testKey); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(ctx, "swarms"); err != nil || got != testKey {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := k.Delete(ctx, "swarms"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ctx, "swarms"); !errors.Is(err, ErrNoKeychain) {
		t.Fatalf("Get after Delete: %v", err)
	}
}

func TestFromEnvNamesTheVariableWithoutTheKeychain(t *testing.T) {
	env := map[string]string{"SWARMS_API_KEY": "sk-from-env-1234", "MURMUR_API_KEY_BLANK": "  "}
	k := New(WithBackend(SessionOnly("must not be asked")), WithLookupEnv(func(n string) (string, bool) {
		v, ok := env[n]
		return v, ok
	}))
	if name, ok := k.FromEnv("swarms"); !ok || name != "SWARMS_API_KEY" {
		t.Errorf("FromEnv(swarms) = %q, %v", name, ok)
	}
	if _, ok := k.FromEnv("blank"); ok {
		t.Error("a blank variable counts as a key")
	}
	if _, ok := k.FromEnv("openai"); ok {
		t.Error("a provider without a variable has one")
	}
}
