//go:build !js

package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"murmur/backend/secrets"
	"murmur/backend/view"
)

// pageStorage is a browser's storage for the site, in memory.
type pageStorage struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (p *pageStorage) Get(_ context.Context, k string) ([]byte, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.m[k]
	return b, ok, nil
}
func (p *pageStorage) Put(_ context.Context, k string, v []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[k] = v
	return nil
}
func (p *pageStorage) Delete(_ context.Context, k string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, k)
	return nil
}

func TestTheDesktopHasNoKeyStorageChoice(t *testing.T) {
	e := newAppEnv(t)
	if ks := e.app.GetSettings().KeyStorage; ks.Switchable || ks.Warning != "" {
		t.Fatalf("key storage %+v", ks)
	}
	_, err := e.app.RememberKeys(true)
	if ve := viewErr(t, err); ve.Kind != view.KindInvalid || !strings.Contains(ve.Message, "system keychain") {
		t.Fatalf("RememberKeys on the desktop: %+v", ve)
	}
}

func TestABrowserRemembersKeysOnlyWhenAsked(t *testing.T) {
	storage := &pageStorage{m: map[string][]byte{}}
	vault, err := secrets.OpenVault(context.Background(), storage)
	if err != nil {
		t.Fatal(err)
	}
	e := newAppEnv(t, withKeychain(vault))
	sv := e.app.GetSettings()
	if !sv.KeyStorage.Switchable || sv.KeyStorage.Remembered || !strings.Contains(sv.KeyStorage.Warning, "unencrypted") {
		t.Fatalf("key storage %+v", sv.KeyStorage)
	}
	st, err := e.app.SetKey("fake", "sk-fake-key-0123456789")
	if err != nil || st.Source != "session" || !st.SessionOnly {
		t.Fatalf("a key set in a browser: %+v, %v", st, err)
	}
	sv, err = e.app.RememberKeys(true)
	if err != nil || !sv.KeyStorage.Remembered || sv.Keys["fake"].Source != "keychain" {
		t.Fatalf("after remembering: %+v, %+v, %v", sv.KeyStorage, sv.Keys["fake"], err)
	}
	if string(storage.m["key:fake"]) != "sk-fake-key-0123456789" {
		t.Fatal("the key was not stored on the device")
	}
	sv, err = e.app.RememberKeys(false)
	if err != nil || sv.KeyStorage.Remembered || len(storage.m) != 0 || !sv.Keys["fake"].Set {
		t.Fatalf("after forgetting: %+v, %v, storage %v", sv.Keys["fake"], err, storage.m)
	}
}
