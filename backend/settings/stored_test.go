package settings

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// memKV is browser storage in memory; failPut makes every put fail.
type memKV struct {
	m       map[string][]byte
	failGet error
	failPut error
}

func (k *memKV) Get(_ context.Context, key string) ([]byte, bool, error) {
	if k.failGet != nil {
		return nil, false, k.failGet
	}
	b, ok := k.m[key]
	return b, ok, nil
}

func (k *memKV) Put(_ context.Context, key string, v []byte) error {
	if k.failPut != nil {
		return k.failPut
	}
	k.m[key] = append([]byte(nil), v...)
	return nil
}

func TestStoredKeepsTheSettingsLikeTheFile(t *testing.T) {
	ctx := context.Background()
	kv := &memKV{m: map[string][]byte{}}
	st := Stored{KV: kv, Key: "settings.json"}

	s, rep, err := st.Load(ctx)
	if err != nil || !rep.Missing || len(s.Providers) == 0 {
		t.Fatalf("first load: %+v %+v %v", s, rep, err)
	}
	s.Appearance.Theme = "dark"
	if err := st.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, rep, err := st.Load(ctx)
	if err != nil || rep.Missing || got.Appearance.Theme != "dark" {
		t.Fatalf("reload: theme %q, %+v, %v", got.Appearance.Theme, rep, err)
	}

	bad := s
	bad.Providers = append(bad.Providers, bad.Providers[0]) // a duplicate id
	if err := st.Save(ctx, bad); err == nil {
		t.Fatal("settings with errors were saved")
	}
	if got, _, _ := st.Load(ctx); len(got.Providers) != len(s.Providers) {
		t.Fatal("a refused save changed what is stored")
	}
}

func TestStoredCorruptDocumentIsKeptAside(t *testing.T) {
	ctx := context.Background()
	kv := &memKV{m: map[string][]byte{"settings.json": []byte(`{"version": 1, "providers": [`)}}
	s, rep, err := Stored{KV: kv, Key: "settings.json"}.Load(ctx)
	if err != nil || len(s.Providers) == 0 {
		t.Fatalf("load: %v", err)
	}
	if !strings.HasPrefix(rep.CorruptPath, "settings.json.corrupt-") || string(kv.m[rep.CorruptPath]) != `{"version": 1, "providers": [` {
		t.Fatalf("kept aside as %q: %q", rep.CorruptPath, kv.m[rep.CorruptPath])
	}
	if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], "could not be read") {
		t.Fatalf("notes %q", rep.Notes)
	}
}

func TestStoredOlderVersionIsBackedUpAndMigrated(t *testing.T) {
	ctx := context.Background()
	v0, err := os.ReadFile("testdata/v0.json")
	if err != nil {
		t.Fatal(err)
	}
	kv := &memKV{m: map[string][]byte{"settings.json": v0}}
	_, rep, err := Stored{KV: kv, Key: "settings.json"}.Load(ctx)
	if err != nil || rep.MigratedFrom != 0 || rep.BackupPath != "settings.json.v0.bak" {
		t.Fatalf("migrate: %+v %v", rep, err)
	}
	if string(kv.m["settings.json.v0.bak"]) != string(v0) || strings.Contains(string(kv.m["settings.json"]), `"version": 0`) {
		t.Fatal("the old document was not backed up, or the new one not written")
	}
}

func TestStoredStorageErrorsAreErrorsAndOverwriteNothing(t *testing.T) {
	ctx := context.Background()
	full := errors.New("the browser's storage for this site is full")
	kv := &memKV{m: map[string][]byte{}, failPut: full}
	st := Stored{KV: kv, Key: "settings.json"}
	if err := st.Save(ctx, Default()); !errors.Is(err, full) || !strings.Contains(err.Error(), "save settings") {
		t.Fatalf("save on a full quota: %v", err)
	}
	kv.failGet = errors.New("the database is closed")
	if _, _, err := st.Load(ctx); err == nil || !strings.Contains(err.Error(), "database is closed") {
		t.Fatalf("load of unreadable storage: %v", err)
	}
}
