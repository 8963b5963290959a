//go:build !js

package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"murmur/backend/llm"
	"murmur/backend/providers"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/shell"
	"murmur/backend/view"
)

// Settings refused by validation: one line per problem, naming the option
// that set the field, said once, nothing saved.
func TestProviderProblemsNameTheOption(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"provider", "add", "--id", "x", "--base-url", "foo"},
			[]string{`murmur provider add: --base-url: "foo" is not an absolute URL`}},
		{[]string{"provider", "add", "--id", "Bad id", "--name", " ", "--auth", "basic", "--base-url", "ftp://x"},
			[]string{"murmur provider add: --id: ", "murmur provider add: --name: ", "murmur provider add: --auth: ", "murmur provider add: --base-url: "}},
		{[]string{"provider", "add", "--preset", "custom", "--id", "x"},
			[]string{"murmur provider add: --base-url: "}},
		{[]string{"provider", "set", "swarms", "--auth", "basic"},
			[]string{"murmur provider set: --auth: the auth style must be x-api-key, bearer or none"}},
	} {
		app, _, out, errs, code := run(t, "", c.args...)
		lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
		if code != 1 || out != "" || app.saves != 0 || len(lines) != len(c.want) {
			t.Errorf("murmur %v: exit %d, %d saves, stdout %q, stderr %q; want exit 1 and %d lines", c.args, code, app.saves, out, errs, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("murmur %v: line %d is %q, want it to start %q", c.args, i+1, lines[i], w)
			}
		}
		for _, bad := range []string{"providers[", "Some settings need fixing", "baseUrl"} {
			if strings.Contains(errs, bad) {
				t.Errorf("murmur %v says %q: %q", c.args, bad, errs)
			}
		}
	}
}

// A successful add, set or remove says so in one line.
func TestProviderChangesSayWhatWasDone(t *testing.T) {
	app, _, out, errs, code := run(t, "", "provider", "add", "--id", "fake", "--name", "Fake", "--base-url", "http://127.0.0.1:9/v1", "--auth", "none", "--default")
	if code != 0 || out != "added provider fake (default)\n" || errs != "" || app.saves != 1 || app.set.Defaults.ProviderID != "fake" {
		t.Fatalf("provider add: exit %d, stdout %q, stderr %q, saves %d", code, out, errs, app.saves)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"provider", "add", "--preset", "openai"}, "added provider openai\n"},
		{[]string{"provider", "set", "swarms", "--model", "gpt-4o"}, "changed provider swarms (default)\n"},
	} {
		if _, _, out, errs, code := run(t, "", c.args...); code != 0 || out != c.want || errs != "" {
			t.Errorf("murmur %v: exit %d, stdout %q, stderr %q; want %q", c.args, code, out, errs, c.want)
		}
	}
	// remove runs against settings with a second provider.
	app = &fakeApp{set: view.SettingsOf(settings.Default())}
	app.set.Providers = append(app.set.Providers, app.set.Providers[0])
	app.set.Providers[1].ID = "spare"
	var o, e strings.Builder
	code = Run([]string{"provider", "remove", "spare"}, IO{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}, Env{
		Open: func(context.Context, shell.Shell, shell.Events) (App, func() error, error) {
			return app, func() error { return nil }, nil
		}})
	if code != 0 || o.String() != "removed provider spare\n" || len(app.set.Providers) != 1 {
		t.Errorf("provider remove: exit %d, stdout %q, stderr %q, %d providers left", code, o.String(), e.String(), len(app.set.Providers))
	}
}

// Ids that are not there: the valid ones are listed.
func TestUnknownPresetsAndProvidersListTheValidOnes(t *testing.T) {
	_, _, _, errs, code := run(t, "", "provider", "add", "--preset", "foo")
	if code != 2 || !strings.Contains(errs, `--preset: there is no preset "foo"; choose swarms, openai, openrouter, ollama, lmstudio or custom`) {
		t.Errorf("unknown preset: exit %d, %q", code, errs)
	}
	for _, args := range [][]string{{"provider", "set", "nope", "--name", "N"}, {"provider", "remove", "nope"}} {
		_, _, _, errs, code := run(t, "", args...)
		if code != 1 || errs != "murmur: there is no provider \"nope\"; the providers are swarms\n" {
			t.Errorf("murmur %v: exit %d, %q", args, code, errs)
		}
	}
	_, _, _, errs, code = run(t, "", "provider", "remove", "swarms")
	if code != 1 || !strings.Contains(errs, "is the default provider") || !strings.Contains(errs, "--default") {
		t.Errorf("remove the default: exit %d, %q", code, errs)
	}
}

// murmur serve without a key: the message names the variables to set and
// `murmur key set`, and why the keychain could not help.
func TestServeWithoutAKeyNamesTheFix(t *testing.T) {
	ctx := context.Background()
	live, err := settings.OpenLive(ctx, settings.File{Path: filepath.Join(t.TempDir(), "settings.json")})
	if err != nil {
		t.Fatal(err)
	}
	noEnv := secrets.WithLookupEnv(func(string) (string, bool) { return "", false })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const fix = "no API key for Swarms: set SWARMS_API_KEY (or MURMUR_API_KEY_SWARMS) in the environment, or run `murmur key set swarms` where a keychain is available"
	for _, c := range []struct {
		name    string
		backend secrets.Backend
		id      string
		want    string
	}{
		{"no keychain", secrets.SessionOnly("no D-Bus session bus was found"), "swarms", fix + " (here: no D-Bus session bus was found)"},
		{"no key in the keychain", secrets.NewMemoryBackend(), "swarms", fix},
		{"no such provider", secrets.NewMemoryBackend(), "nope", `--provider: there is no provider "nope" in the settings`},
	} {
		ps := providers.New(live, secrets.New(secrets.WithBackend(c.backend), noEnv), llm.New(), log)
		p, _, err := ps.Endpoint(ctx, c.id)
		if err == nil {
			t.Fatalf("%s: Endpoint found a key", c.name)
		}
		if got := endpointProblem(c.id, p.Name, err).Error(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
