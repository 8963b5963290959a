package settings

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// failingPersister wraps a file and fails saves on demand.
type failingPersister struct {
	File
	fail error
}

func (f *failingPersister) Save(ctx context.Context, s Settings) error {
	if f.fail != nil {
		return f.fail
	}
	return f.File.Save(ctx, s)
}

func TestLiveUpdateSavesValidatesAndSwaps(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "settings.json")
	p := &failingPersister{File: File{Path: path}}
	l, err := OpenLive(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Report().Missing {
		t.Fatal("a first start should report the file missing")
	}

	// A change with an error is refused and nothing changes.
	_, err = l.Update(ctx, func(s *Settings) error { s.Appearance.FontSize = 99; return nil })
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("invalid font size: err %v, want a *ValidationError", err)
	}
	if l.Get().Appearance.FontSize != DefaultFontSize {
		t.Fatal("a refused update changed the settings in memory")
	}

	// A failed save leaves the old settings current.
	p.fail = errors.New("disk full")
	if _, err := l.Update(ctx, func(s *Settings) error { s.Appearance.FontSize = 20; return nil }); err == nil {
		t.Fatal("a failed save reported success")
	}
	if l.Get().Appearance.FontSize != DefaultFontSize {
		t.Fatal("an unsaved update became current")
	}
	p.fail = nil

	// A good change is saved and current; the copy from Get is a copy.
	if _, err := l.Update(ctx, func(s *Settings) error { s.Appearance.FontSize = 20; return nil }); err != nil {
		t.Fatal(err)
	}
	got := l.Get()
	got.Appearance.FontSize = 11
	if l.Get().Appearance.FontSize != 20 {
		t.Fatal("changing a Get copy changed the live settings")
	}
	reloaded, _, err := Load(ctx, path)
	if err != nil || reloaded.Appearance.FontSize != 20 {
		t.Fatalf("saved file: font size %d, err %v", reloaded.Appearance.FontSize, err)
	}
}

func TestLiveUpdatesDoNotInterleave(t *testing.T) {
	ctx := context.Background()
	l, err := OpenLive(ctx, File{Path: filepath.Join(t.TempDir(), "settings.json")})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Update(ctx, func(s *Settings) error {
				s.Defaults.HistoryLimit++ // a read-modify-write: lost if two interleave
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := l.Get().Defaults.HistoryLimit; n != 20 {
		t.Fatalf("history limit %d after 20 increments: updates interleaved", n)
	}
}

// A settings file that cannot be read is one error that says what failed
// once: not "load settings: load settings: read X: read X: …".
func TestOpenLiveSaysWhatFailedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := OpenLive(context.Background(), File{Path: path})
	if err == nil {
		t.Fatal("OpenLive of a directory: no error")
	}
	if msg := err.Error(); strings.Count(msg, "load settings") != 1 || strings.Count(msg, path) != 1 {
		t.Errorf("OpenLive of a directory: %q; want \"load settings\" and the path once each", msg)
	}
}
