package secrets

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestOrigin(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"https://api.swarms.world/v1", "https://api.swarms.world", ""},
		{"https://API.Swarms.World:443/other", "https://api.swarms.world", ""},
		{"http://127.0.0.1:11434/v1", "http://127.0.0.1:11434", ""},
		{"http://localhost:80/v1", "http://localhost", ""},
		{"http://[::1]:1234/v1", "http://[::1]:1234", ""},
		{"ftp://example.com", "", "https:// or http://"},
		{"https:///v1", "", "no host"},
		{"::", "", "not a valid URL"},
	}
	for _, tt := range tests {
		got, err := Origin(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Origin(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Origin(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMoved(t *testing.T) {
	old := []Endpoint{
		{"swarms", "https://api.swarms.world/v1"},
		{"openai", "https://api.openai.com/v1"},
		{"ollama", "http://127.0.0.1:11434/v1"},
		{"custom", "https://llm.example.com/v1"},
		{"gone", "https://gone.example.com/v1"},
		{"lab", "https://lab.example.com/v1"},
	}
	new := []Endpoint{
		{"swarms", "https://api.swarms.world/v2"},   // path only: same origin
		{"openai", "https://API.OPENAI.COM:443/v1"}, // same origin, spelled differently
		{"ollama", "http://127.0.0.1:11435/v1"},     // port changed
		{"custom", "https://evil.example.net/v1"},   // host changed
		{"lab", "http://lab.example.com/v1"},        // scheme changed
		{"added", "https://new.example.com/v1"},     // new provider: nothing to forget
	}
	want := []string{"custom", "gone", "lab", "ollama"}
	if got := Moved(old, new); !reflect.DeepEqual(got, want) {
		t.Fatalf("Moved = %v, want %v", got, want)
	}
}

func TestForgetMoved(t *testing.T) {
	ctx := context.Background()
	fb := newFake()
	for _, id := range []string{"swarms", "custom", "gone"} {
		fb.items[Service+"/"+id] = testKey
	}
	k := New(WithBackend(fb), WithLookupEnv(env(map[string]string{"MURMUR_API_KEY_GONE": "env-key-000011112222"})))
	old := []Endpoint{{"swarms", "https://api.swarms.world/v1"}, {"custom", "https://llm.example.com/v1"}, {"gone", "https://gone.example.com"}}
	new := []Endpoint{{"swarms", "https://api.swarms.world/v1"}, {"custom", "https://evil.example.net/v1"}}

	forgotten, err := k.ForgetMoved(ctx, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(forgotten, []string{"custom", "gone"}) {
		t.Fatalf("forgotten = %v", forgotten)
	}
	if _, ok := fb.stored("custom"); ok {
		t.Error("the key of the provider whose origin changed is still in the keychain")
	}
	if _, ok := fb.stored("gone"); ok {
		t.Error("the key of the removed provider is still in the keychain")
	}
	if _, ok := fb.stored("swarms"); !ok {
		t.Error("the key of an unchanged provider was deleted")
	}
	if _, err := k.Get(ctx, "custom"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(custom) after the move: %v, want ErrNotFound", err)
	}
	// A key from the environment is the user's explicit choice and stays.
	if st := k.Status(ctx, "gone"); st.Source != SourceEnv {
		t.Errorf("env key: %+v", st)
	}
}

func TestForgetMovedForgetsSessionKeysAndReportsFailures(t *testing.T) {
	ctx := context.Background()
	fb := newFake()
	fb.setErr(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))
	k := New(WithBackend(fb), WithLookupEnv(noEnv))
	if err := k.Set(ctx, "custom", testKey); err != nil {
		t.Fatal(err)
	}
	forgotten, err := k.ForgetMoved(ctx,
		[]Endpoint{{"custom", "https://a.example.com"}},
		[]Endpoint{{"custom", "https://b.example.com"}})
	if err == nil || !strings.Contains(err.Error(), `"custom"`) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("ForgetMoved: %v, want an error naming the provider and the cause", err)
	}
	if len(forgotten) != 0 {
		t.Fatalf("forgotten = %v", forgotten)
	}
	// The session copy is gone even though the keychain could not be asked.
	if st := k.Status(ctx, "custom"); st.Set {
		t.Fatalf("%+v", st)
	}
}
