package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"murmur/backend/conversation"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func ptr[T any](v T) *T { return &v }

func settingsPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "murmur", FileName)
}

// sameJSON reports whether two documents hold the same JSON values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

func TestDefaultIsValidAndSwarms(t *testing.T) {
	s := Default()
	if p := s.Validate(); len(p) != 0 {
		t.Fatalf("defaults have problems: %v", p)
	}
	sw, ok := s.Provider(s.Defaults.ProviderID)
	if !ok || sw.ID != "swarms" || sw.BaseURL != "https://api.swarms.world/v1" || sw.Auth != AuthXAPIKey || !sw.SupportsMaxLoops {
		t.Fatalf("default provider = %+v", sw)
	}
	if !s.Defaults.Stream || s.Appearance.Theme != ThemeSystem {
		t.Fatalf("defaults = %+v %+v", s.Defaults, s.Appearance)
	}
}

func TestPresets(t *testing.T) {
	want := map[Preset]struct {
		url  string
		auth AuthStyle
	}{
		PresetSwarms:     {"https://api.swarms.world/v1", AuthXAPIKey},
		PresetOpenAI:     {"https://api.openai.com/v1", AuthBearer},
		PresetOpenRouter: {"https://openrouter.ai/api/v1", AuthBearer},
		PresetOllama:     {"http://127.0.0.1:11434/v1", AuthNone},
		PresetLMStudio:   {"http://127.0.0.1:1234/v1", AuthNone},
		PresetCustom:     {"", AuthBearer},
	}
	list := Presets()
	if len(list) != len(want) || list[0].Preset != PresetSwarms {
		t.Fatalf("Presets() = %v", list)
	}
	for _, info := range list {
		w := want[info.Preset]
		p := NewProvider(info.Preset)
		if p.BaseURL != w.url || p.Auth != w.auth || p.Preset != info.Preset || p.ID != info.ID {
			t.Errorf("%s: %+v", info.Preset, p)
		}
		s := Default()
		s.Providers = []Provider{p}
		s.Defaults.ProviderID = p.ID
		problems := s.Validate()
		if info.Preset == PresetCustom {
			if len(problems) != 1 || problems[0].Path != "providers[0].base_url" {
				t.Errorf("custom preset: %v, want only a missing base URL", problems)
			}
			continue
		}
		if len(problems) != 0 {
			t.Errorf("%s preset has problems: %v", info.Preset, problems)
		}
	}
	// Presets returns a copy: changing it changes nothing.
	list[0].BaseURL = "https://evil.example"
	if NewProvider(PresetSwarms).BaseURL != "https://api.swarms.world/v1" {
		t.Fatal("Presets exposed its table")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := settingsPath(t)
	s := Default()
	or := NewProvider(PresetOpenRouter)
	or.Headers = map[string]string{"HTTP-Referer": "https://murmur.example", "X-Title": "Murmur"}
	or.ExtraBody = map[string]json.RawMessage{"provider": json.RawMessage(`{"sort":"price"}`)}
	or.Models = []string{"openai/gpt-4o", "anthropic/claude-sonnet-4"}
	or.ModelsFetchedAt = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	or.DefaultModel = "openai/gpt-4o"
	s.Providers = append(s.Providers, or)
	s.Defaults = Defaults{ProviderID: "openrouter", Model: "openai/gpt-4o", Params: conversation.Params{
		Temperature: ptr(0.0), TopP: ptr(1.0), MaxTokens: ptr(1), PresencePenalty: ptr(-2.0), FrequencyPenalty: ptr(2.0)},
		SystemPrompt: "Hi", HistoryLimit: 12, Stream: false}
	s.Appearance = Appearance{Theme: ThemeLight, FontSize: 18}

	if err := Save(ctx, path, s); err != nil {
		t.Fatal(err)
	}
	got, rep, err := Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Missing || rep.CorruptPath != "" || rep.MigratedFrom != -1 || len(rep.Problems) != 0 || len(rep.Notes) != 0 {
		t.Fatalf("report = %+v", rep)
	}
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("round trip changed the settings:\n got %+v\nwant %+v", got, s)
	}
	// A zero temperature is kept, not dropped as "unset".
	if got.Defaults.Temperature == nil || *got.Defaults.Temperature != 0 {
		t.Fatalf("temperature 0 was lost: %v", got.Defaults.Temperature)
	}
}

func TestSaveIsPrivateAndAtomic(t *testing.T) {
	ctx := context.Background()
	path := settingsPath(t)
	if err := Save(ctx, path, Default()); err != nil {
		t.Fatal(err)
	}
	s := Default()
	s.Appearance.Theme = ThemeDark
	if err := Save(ctx, path, s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("settings dir mode %v, want 0700", di.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only settings.json (no temp files left)", len(entries))
	}
	got, _, err := Load(ctx, path)
	if err != nil || got.Appearance.Theme != ThemeDark {
		t.Fatalf("Load = %+v, %v", got.Appearance, err)
	}
}

func TestSaveFailureKeepsOldFile(t *testing.T) {
	ctx := context.Background()
	path := settingsPath(t)
	if err := Save(ctx, path, Default()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := Default()
	bad.Defaults.Temperature = ptr(3.0)
	err := Save(ctx, path, bad)
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "defaults.temperature") {
		t.Fatalf("Save: %v, want a ValidationError naming the field", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("a refused save changed the file")
	}
	// A directory where the file should be: the error says so, nothing lost.
	dirPath := filepath.Join(t.TempDir(), "settings.json")
	if err := os.MkdirAll(filepath.Join(dirPath, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, dirPath, Default()); err == nil || !strings.Contains(err.Error(), "save settings") {
		t.Fatalf("Save over a directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dirPath, "x")); err != nil {
		t.Fatal("the directory's content was lost")
	}
}

func TestLoadMissingGivesDefaults(t *testing.T) {
	s, rep, err := Load(context.Background(), settingsPath(t))
	if err != nil || !rep.Missing || !reflect.DeepEqual(s, Default()) {
		t.Fatalf("Load = %+v, %+v, %v", s, rep, err)
	}
}

func TestLoadUnreadableIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, _, err := Load(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "load settings") {
		t.Fatalf("Load of a directory: %v, want an error rather than defaults", err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Fatal("Load moved or replaced what it could not read")
	}
}

func TestUnknownFieldsSurviveRoundTrip(t *testing.T) {
	ctx := context.Background()
	in, err := os.ReadFile("testdata/unknown.json")
	if err != nil {
		t.Fatal(err)
	}
	path := settingsPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, in, 0o600); err != nil {
		t.Fatal(err)
	}
	s, rep, err := Load(ctx, path)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("Load: %v %+v", err, rep)
	}
	if string(s.Extra["sync"]) == "" || s.Providers[0].Extra["future_provider_field"] == nil ||
		s.Defaults.Extra["future_default"] == nil || s.Appearance.Extra["density"] == nil {
		t.Fatalf("unknown members were not kept: %+v", s)
	}
	// Edit something known, save, and compare with the input.
	s.Appearance.FontSize = 17
	if err := Save(ctx, path, s); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	want := bytes.Replace(in, []byte(`"font_size": 16`), []byte(`"font_size": 17`), 1)
	if !sameJSON(t, out, want) {
		t.Fatalf("round trip lost or changed members:\n%s", out)
	}
}

func TestMissingMembersTakeDefaults(t *testing.T) {
	s, _, err := Decode([]byte(`{"version": 1, "defaults": {"provider_id": "swarms"}}`))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if !reflect.DeepEqual(s, d) {
		t.Fatalf("a sparse file gave %+v, want the defaults %+v", s, d)
	}
	// An explicitly empty provider list is the user's choice and stays empty.
	s, _, err = Decode([]byte("\xef\xbb\xbf" + `{"version": 1, "providers": [], "defaults": {"provider_id": ""}}`))
	if err != nil || len(s.Providers) != 0 {
		t.Fatalf("empty providers: %+v, %v", s.Providers, err)
	}
	if p := s.Validate(); len(p) != 0 {
		t.Fatalf("no providers and no default provider is valid, got %v", p)
	}
}

func TestCorruptFileIsKeptAside(t *testing.T) {
	tests := []struct {
		name, content, wantReason string
	}{
		{"not JSON", `{"version": 1, "providers": [`, "invalid JSON at line 1"},
		{"wrong type", "{\"version\": 1,\n \"defaults\": {\"temperature\": \"hot\"}}", "defaults.temperature should be a number, not text (line 2"},
		{"empty", "", "the file is empty"},
		{"version not a number", `{"version": "one"}`, `the version "one" is not a whole number`},
		{"not an object", `[1, 2]`, "does not hold a JSON object"},
		{"too large", `{"version": 1, "x": "` + strings.Repeat("a", MaxFileBytes) + `"}`, "larger than 8 MiB"},
		{"truncated list", `[1, 2`, "invalid JSON"},
		{"font size as text", `{"version": 1, "appearance": {"font_size": "big"}}`, "appearance.font_size should be a whole number, not text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := settingsPath(t)
			os.MkdirAll(filepath.Dir(path), 0o700)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, rep, err := Load(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s, Default()) {
				t.Errorf("got %+v, want defaults", s)
			}
			if !strings.Contains(rep.CorruptReason, tt.wantReason) {
				t.Errorf("reason %q, want %q", rep.CorruptReason, tt.wantReason)
			}
			if !strings.HasPrefix(filepath.Base(rep.CorruptPath), "settings.json.corrupt-") {
				t.Fatalf("kept as %q", rep.CorruptPath)
			}
			kept, err := os.ReadFile(rep.CorruptPath)
			if err != nil || string(kept) != tt.content {
				t.Fatalf("the corrupt file was not kept intact: %v", err)
			}
			if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], rep.CorruptPath) {
				t.Errorf("notes %v do not tell the user where the file went", rep.Notes)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("the corrupt file is still in place: %v", err)
			}
			// A second corrupt file in the same second does not overwrite the first.
			os.WriteFile(path, []byte("{{"), 0o600)
			_, rep2, err := Load(ctx, path)
			if err != nil || rep2.CorruptPath == rep.CorruptPath {
				t.Fatalf("second corrupt file: %+v, %v", rep2, err)
			}
			if kept2, _ := os.ReadFile(rep.CorruptPath); string(kept2) != tt.content {
				t.Fatal("the first corrupt file was overwritten")
			}
		})
	}
}

func TestMigrateV0(t *testing.T) {
	ctx := context.Background()
	orig, err := os.ReadFile("testdata/v0.json")
	if err != nil {
		t.Fatal(err)
	}
	path := settingsPath(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	s, rep, err := Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MigratedFrom != 0 || rep.BackupPath != path+".v0.bak" {
		t.Fatalf("report = %+v", rep)
	}
	backup, err := os.ReadFile(rep.BackupPath)
	if err != nil || !bytes.Equal(backup, orig) {
		t.Fatalf("backup differs from the original: %v", err)
	}
	migrated, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/v0.migrated.golden.json"
	if *update {
		if err := os.WriteFile(golden, migrated, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(migrated, want) {
		t.Errorf("migrated file differs from %s:\n%s", golden, migrated)
	}
	if bytes.Contains(migrated, []byte("sk-old-plaintext-key-0000")) {
		t.Error("the migrated settings still hold the old plaintext key")
	}
	var noted bool
	for _, n := range rep.Notes {
		if strings.Contains(n, `provider "api_key"`) && strings.Contains(n, "Authorization header") && strings.Contains(n, "keychain") {
			noted = true
		}
	}
	if !noted {
		t.Errorf("notes %q do not say the key was not carried over", rep.Notes)
	}
	// What the migration made of the fields.
	p := s.Providers[0]
	if p.ID != "ollama" || p.Preset != PresetOllama || p.Name != "My Ollama" || p.Auth != AuthNone ||
		p.DefaultModel != "llama3.2" || p.Headers["X-Title"] != "Murmur" || len(p.Headers) != 1 {
		t.Errorf("provider = %+v", p)
	}
	if s.Defaults.ProviderID != "ollama" || *s.Defaults.Temperature != 0.4 || s.Defaults.Stream ||
		s.Defaults.HistoryLimit != 20 || s.Appearance.Theme != ThemeDark || s.Appearance.FontSize != 14 {
		t.Errorf("defaults = %+v, appearance = %+v", s.Defaults, s.Appearance)
	}
	// Migration is done once: the next load is plain, with no new backup.
	_, rep, err = Load(ctx, path)
	if err != nil || rep.MigratedFrom != -1 || rep.BackupPath != "" {
		t.Fatalf("second load: %+v, %v", rep, err)
	}
	if _, err := os.Stat(path + ".v0.bak-2"); !os.IsNotExist(err) {
		t.Fatal("a second backup was made")
	}
}

func TestMigrationRetryReusesBackup(t *testing.T) {
	orig, _ := os.ReadFile("testdata/v0.json")
	path := settingsPath(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, orig, 0o600)
	// A previous run backed the file up but crashed before writing.
	os.WriteFile(path+".v0.bak", orig, 0o600)
	_, rep, err := Load(context.Background(), path)
	if err != nil || rep.BackupPath != path+".v0.bak" {
		t.Fatalf("%+v, %v", rep, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 2 {
		t.Fatalf("%d files, want settings.json and one backup", len(entries))
	}
}

func TestNewerVersionKeepsItsVersion(t *testing.T) {
	ctx := context.Background()
	path := settingsPath(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	in := []byte(`{"version": 7, "providers": [], "defaults": {"provider_id": "", "stream": true, "history_limit": 0}, "appearance": {"theme": "dark", "font_size": 15}, "plugins": ["x"]}`)
	os.WriteFile(path, in, 0o600)
	s, rep, err := Load(ctx, path)
	if err != nil || !rep.NewerVersion || rep.MigratedFrom != -1 || s.Version != 7 {
		t.Fatalf("%+v %+v %v", s, rep, err)
	}
	if err := Save(ctx, path, s); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	if !sameJSON(t, out, in) {
		t.Fatalf("saving a newer file changed it:\n%s", out)
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := Default()
	s.Providers[0].Headers = map[string]string{"X-Title": "a"}
	s.Providers[0].Models = []string{"m"}
	s.Defaults.Temperature = ptr(0.5)
	s.Extra = map[string]json.RawMessage{"x": json.RawMessage(`1`)}
	c := s.Clone()
	c.Providers[0].Headers["X-Title"] = "b"
	c.Providers[0].Models[0] = "n"
	*c.Defaults.Temperature = 1
	c.Extra["x"][0] = '2'
	if s.Providers[0].Headers["X-Title"] != "a" || s.Providers[0].Models[0] != "m" || *s.Defaults.Temperature != 0.5 || string(s.Extra["x"]) != "1" {
		t.Fatal("Clone shares memory with the original")
	}
}
