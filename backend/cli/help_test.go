//go:build !js

package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// --help prints the usage line, the summary and every option with its help
// text to standard output; a wrong option prints the usage and the options
// to standard error with exit status 2.
func TestHelpGolden(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		golden string
	}{
		{[]string{"serve", "--help"}, 0, "serve-help.txt"},
		{[]string{"provider", "add", "--help"}, 0, "provider-add-help.txt"},
		{[]string{"provider", "--help"}, 0, "provider-help.txt"},
		{[]string{"serve", "--lisen", "127.0.0.1:1"}, 2, "serve-bad-option.txt"},
	} {
		_, opened, out, errs, code := run(t, "", c.args...)
		got, quiet := out, errs
		if c.code != 0 {
			got, quiet = errs, out
		}
		if code != c.code || opened || quiet != "" {
			t.Errorf("murmur %v: exit %d, opened %v, other stream %q; want exit %d, nothing opened or printed there",
				c.args, code, opened, quiet, c.code)
		}
		golden(t, c.golden, got)
	}
}

// Every command and provider subcommand answers --help (and -h, anywhere
// among its arguments) with its own usage line and each of its options.
func TestEveryCommandListsItsOptions(t *testing.T) {
	for _, c := range []struct {
		args    []string
		usage   string
		options []string
	}{
		{[]string{"ask", "--help"}, "usage: murmur ask [--provider ID]", []string{"--provider id", "--model model", "--conversation id", "--system text", "--temperature temperature", "--max-loops number", "--attach file"}},
		{[]string{"list", "-h"}, "usage: murmur list", []string{"--archived", "--all", "--limit N", "(default 50)"}},
		{[]string{"show", "--help"}, "usage: murmur show ID", nil},
		{[]string{"search", "some", "text", "--help"}, "usage: murmur search", []string{"--limit N", "(default 20)"}},
		{[]string{"export", "--help"}, "usage: murmur export", []string{"--format format", "(default md)", "--all-branches", "-o FILE"}},
		{[]string{"import", "--help"}, "usage: murmur import", []string{"--details", "--replace-newer"}},
		{[]string{"models", "--help"}, "usage: murmur models", []string{"--provider id"}},
		{[]string{"key", "--help"}, "usage: murmur key set | delete | status", nil},
		{[]string{"provider", "list", "--help"}, "usage: murmur provider list\n", nil},
		{[]string{"provider", "add", "-h"}, "usage: murmur provider add", []string{"--preset preset", "--id id", "--name name", "--base-url URL", "--auth style", "--model model", "--default"}},
		{[]string{"provider", "set", "fake", "--help"}, "usage: murmur provider set ID", []string{"--name name", "--base-url URL", "--auth style", "--model model", "--default"}},
		{[]string{"provider", "remove", "--help"}, "usage: murmur provider remove ID", nil},
		{[]string{"serve", "-h"}, "usage: murmur serve", []string{"--listen address", "--provider id", "default: the settings' default provider", "--allow-origin origin", "--tls-key file"}},
	} {
		_, opened, out, errs, code := run(t, "", c.args...)
		if code != 0 || opened || errs != "" || !strings.HasPrefix(out, c.usage) {
			t.Errorf("murmur %v: exit %d, opened %v, stderr %q, stdout %q; want exit 0 and %q", c.args, code, opened, errs, out, c.usage)
			continue
		}
		if strings.Count(out, "usage:") != 1 {
			t.Errorf("murmur %v printed more than its own usage: %q", c.args, out)
		}
		for _, o := range c.options {
			if !strings.Contains(out, o) {
				t.Errorf("murmur %v --help lacks %q:\n%s", c.args, o, out)
			}
		}
	}
	// provider set has no --preset or --id, which it would ignore.
	_, _, out, _, _ := run(t, "", "provider", "set", "--help")
	if strings.Contains(out, "--preset") || strings.Contains(out, "--id") {
		t.Errorf("provider set --help offers options it ignores:\n%s", out)
	}
}

// A wrong option names the option as it is typed and shows that command's
// usage and options on standard error.
func TestBadOptionsSayWhatIsWrong(t *testing.T) {
	for _, c := range []struct {
		args      []string
		first     string
		usage     string
		hasOption string
	}{
		{[]string{"list", "--limt", "3"}, "murmur list: there is no option --limt\n", "usage: murmur list", "--archived"},
		{[]string{"serve", "--rate", "fast"}, `murmur serve: invalid value "fast" for --rate: `, "usage: murmur serve", "--max-body size"},
		{[]string{"serve", "--listen"}, "murmur serve: --listen needs a value\n", "usage: murmur serve", "--listen address"},
		{[]string{"export", "-o"}, "murmur export: -o needs a value\n", "usage: murmur export", "--format"},
		{[]string{"provider", "add", "--bogus"}, "murmur provider add: there is no option --bogus\n", "usage: murmur provider add", "--base-url URL"},
		{[]string{"provider", "set", "x", "--preset", "openai"}, "murmur provider set: there is no option --preset\n", "usage: murmur provider set ID", "--model model"},
		{[]string{"provider", "remove"}, "murmur provider remove: give the id of the provider to remove\n", "usage: murmur provider remove ID", ""},
		{[]string{"provider", "list", "x"}, `murmur provider list: takes no arguments, not "x"` + "\n", "usage: murmur provider list", ""},
		{[]string{"provider"}, "murmur provider: choose list, add, set or remove\n", "murmur provider add [--preset P]", ""},
		{[]string{"provider", "rm"}, `murmur provider: "rm" is not list, add, set or remove` + "\n", "murmur provider remove ID", ""},
		{[]string{"show"}, "murmur show: give one conversation id\n", "usage: murmur show ID", ""},
		{[]string{"key", "open"}, `murmur key: "open" is not set, delete or status` + "\n", "usage: murmur key", ""},
	} {
		_, opened, out, errs, code := run(t, "", c.args...)
		if code != 2 || opened || out != "" || !strings.HasPrefix(errs, c.first) || !strings.Contains(errs, c.usage) ||
			!strings.Contains(errs, c.hasOption) {
			t.Errorf("murmur %v: exit %d, opened %v, stdout %q, stderr %q; want exit 2, %q, %q and %q",
				c.args, code, opened, out, errs, c.first, c.usage, c.hasOption)
		}
		if strings.Contains(errs, "flag provided") || strings.Contains(errs, "murmur provider: provider") {
			t.Errorf("murmur %v: %q", c.args, errs)
		}
	}
}
