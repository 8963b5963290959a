//go:build !js

package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"murmur/backend/settings"
	"murmur/backend/shell"
	"murmur/backend/view"
)

// fakeApp is the facade the command line drives, in memory.
type fakeApp struct {
	App   // methods a test does not use panic
	sh    shell.Shell
	set   view.Settings
	saves int
}

func (f *fakeApp) Import(replaceNewer bool) (view.ImportResult, error) {
	file, ok, err := f.sh.OpenFile(context.Background())
	if err != nil || !ok {
		return view.ImportResult{}, err
	}
	defer file.Close()
	return view.ImportResult{Chosen: true, Imported: []view.ImportedItem{
		{ID: "a", Title: file.Name, Messages: 1, Notes: []string{"images left out"}},
		{ID: "b", Title: "second", Messages: 2},
	}, Skipped: []view.ImportSkip{{Source: file.Name, Index: 3, Reason: "it has no messages"}},
		Summary: file.Name + " (ChatGPT export): 2 conversations imported, 1 skipped; 1 with notes",
		Details: []string{`imported "` + file.Name + `": images left out`, "skipped #3: it has no messages"}}, nil
}

func (f *fakeApp) ExportAll(format string) (view.ExportResult, error) {
	w, where, _, err := f.sh.SaveFile(context.Background(), "x.zip", "application/zip")
	if err != nil {
		return view.ExportResult{}, err
	}
	w.Write([]byte("zip of " + format))
	return view.ExportResult{Saved: true, Where: where, Count: 1}, w.Close()
}

func (f *fakeApp) GetSettings() view.SettingsView {
	return view.SettingsView{Settings: f.set, Presets: view.PresetsOf(settings.Presets())}
}

// SaveSettings validates and keeps the settings as the facade does.
func (f *fakeApp) SaveSettings(s view.Settings) ([]view.FieldError, error) {
	next := s.Apply(settings.Default())
	problems := next.Validate()
	if len(settings.Errors(problems)) > 0 {
		return nil, view.FromError("save settings", &settings.ValidationError{Problems: problems})
	}
	f.set, f.saves = view.SettingsOf(next), f.saves+1
	return view.FieldErrorsOf(settings.Warnings(problems)), nil
}

func run(t *testing.T, stdin string, args ...string) (app *fakeApp, opened bool, out, errs string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	app = &fakeApp{set: view.SettingsOf(settings.Default())}
	code = Run(args, IO{Stdin: strings.NewReader(stdin), Stdout: &o, Stderr: &e}, Env{Version: "1.2.3",
		Open: func(ctx context.Context, sh shell.Shell, ev shell.Events) (App, func() error, error) {
			opened = true
			app.sh = sh
			return app, func() error { return nil }, nil
		}})
	return app, opened, o.String(), e.String(), code
}

func TestIsCommandLine(t *testing.T) {
	for args, want := range map[string]bool{
		"": false, "list": true, "foo": true, "--version": true, "-h": true, "-psn_0_123": false, "--some-wails-flag": false,
	} {
		if got := IsCommandLine(strings.Fields(args)); got != want {
			t.Errorf("IsCommandLine(%q) = %v, want %v", args, got, want)
		}
	}
}

func TestUsageErrorsNeverOpenTheApp(t *testing.T) {
	for _, args := range [][]string{
		{"foo"}, {"ask"}, {"ask", "--temperature", "hot", "hi"}, {"show"}, {"export", "--format", "md"},
		{"export", "--all"}, {"import"}, {"key"}, {"key", "open"}, {"provider"}, {"provider", "list", "x"},
		{"list", "--limit", "0"},
	} {
		_, opened, _, errs, code := run(t, "", args...)
		if code != 2 || opened || !strings.Contains(errs, "murmur") {
			t.Errorf("murmur %v: exit %d opened %v stderr %q; want 2, not opened", args, code, opened, errs)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	if _, _, out, _, code := run(t, "", "--version"); code != 0 || out != "murmur 1.2.3\n" {
		t.Fatalf("--version: %d %q", code, out)
	}
	if _, _, out, _, code := run(t, "", "help"); code != 0 || !strings.Contains(out, "ask") || !strings.Contains(out, "import") {
		t.Fatalf("help: %d %q", code, out)
	}
}

// The file to import and the file to export to reach the app through the
// shell built from the flags.
func TestFilesReachTheAppThroughTheShell(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "conversations.json")
	os.WriteFile(in, []byte("[]"), 0o600)
	_, _, out, errs, code := run(t, "", "import", in)
	if code != 0 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "2 conversations imported, 1 skipped") ||
		!strings.Contains(errs, "--details") {
		t.Fatalf("import: %d out %q err %q", code, out, errs)
	}
	_, _, out, _, code = run(t, "", "import", "--details", in)
	if code != 0 || !strings.Contains(out, "images left out") || !strings.Contains(out, "it has no messages") {
		t.Fatalf("import --details: %d %q", code, out)
	}
	zip := filepath.Join(dir, "all.zip")
	_, _, _, errs, code = run(t, "", "export", "--all", "--format", "json", "-o", zip)
	if b, _ := os.ReadFile(zip); code != 0 || string(b) != "zip of json" || !strings.Contains(errs, "1 conversation to") {
		t.Fatalf("export --all: %d %q %q", code, b, errs)
	}
	_, _, _, errs, code = run(t, "", "import", filepath.Join(dir, "missing.json"))
	if code != 1 || !strings.Contains(errs, "missing.json") {
		t.Fatalf("import of a missing file: %d %q", code, errs)
	}
}

func TestOpenFailureIsOneReadableLine(t *testing.T) {
	var e bytes.Buffer
	code := Run([]string{"list"}, IO{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &e}, Env{Version: "1",
		Open: func(context.Context, shell.Shell, shell.Events) (App, func() error, error) {
			return nil, nil, errors.New("find the data folder: HOME is not set; set HOME (or XDG_DATA_HOME) to an absolute folder")
		}})
	if code != 1 || strings.Count(e.String(), "\n") != 1 || strings.Count(e.String(), "find the data folder") != 1 {
		t.Fatalf("exit %d stderr %q", code, e.String())
	}
}

func TestTheServerBuildSaysItHasNoWindow(t *testing.T) {
	for headless, want := range map[bool]string{false: "Without a command, murmur opens the window", true: "This build has no window"} {
		var out strings.Builder
		if code := Run([]string{"help"}, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}, Env{Version: "1", Headless: headless}); code != 0 || !strings.Contains(out.String(), want) {
			t.Errorf("headless=%v: %d %q", headless, code, out.String())
		}
	}
}

// noKeyApp has no key for any provider, as a first run on a server.
type noKeyApp struct{ fakeApp }

func (noKeyApp) ListModels(providerID string) ([]string, error) {
	return nil, &view.Error{Kind: view.KindAuth, ProviderID: providerID, Message: "There is no API key for Swarms yet: add one in Settings."}
}

// In a terminal there are no Settings: an error about a missing or wrong
// key also says how to set one there.
func TestAKeyErrorSaysHowToSetTheKeyHere(t *testing.T) {
	var e bytes.Buffer
	app := &noKeyApp{fakeApp{set: view.SettingsOf(settings.Default())}}
	code := Run([]string{"models"}, IO{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &e}, Env{Version: "1",
		Open: func(context.Context, shell.Shell, shell.Events) (App, func() error, error) {
			return app, func() error { return nil }, nil
		}})
	want := "murmur: There is no API key for Swarms yet: add one in Settings.\n" +
		"murmur: to set the key here, run `murmur key set swarms` (it reads the key from standard input) or set SWARMS_API_KEY (or MURMUR_API_KEY_SWARMS)\n"
	if code != 1 || e.String() != want {
		t.Fatalf("exit %d, stderr\n%s\nwant\n%s", code, e.String(), want)
	}
}
