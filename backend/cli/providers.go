//go:build !js

package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"murmur/backend/view"
)

func (r *runner) models(args []string) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	provider := fs.String("provider", "", "provider id (default: the default provider)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	if *provider == "" {
		*provider = app.GetSettings().Settings.Defaults.ProviderID
	}
	ids, err := app.ListModels(*provider)
	if err != nil {
		return err
	}
	for _, id := range ids {
		fmt.Fprintln(r.Stdout, id)
	}
	return nil
}

func (r *runner) provider(args []string) error {
	if len(args) == 0 {
		return usagef("provider needs list, add, set or remove")
	}
	switch args[0] {
	case "list":
		if len(args) != 1 {
			return usagef("provider list takes nothing more")
		}
		return r.providerList()
	case "add", "set":
		return r.providerEdit(args[0], args[1:])
	case "remove":
		if len(args) != 2 {
			return usagef("provider remove takes the provider id")
		}
		return r.providerRemove(args[1])
	}
	return usagef("provider needs list, add, set or remove, not %q", args[0])
}

func (r *runner) providerList() error {
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	v := app.GetSettings()
	tw := tabwriter.NewWriter(r.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tBASE URL\tAUTH\tMODEL\tKEY")
	for _, p := range v.Settings.Providers {
		mark := ""
		if p.ID == v.Settings.Defaults.ProviderID {
			mark = " (default)"
		}
		st := v.Keys[p.ID]
		key := "not set"
		switch {
		case p.Auth == "none":
			key = "not needed"
		case st.Set:
			key = fmt.Sprintf("%s …%s", st.Source, st.Hint)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, mark, p.Name, p.BaseURL, p.Auth, p.DefaultModel, key)
	}
	return tw.Flush()
}

func (r *runner) providerEdit(verb string, args []string) error {
	fs := flag.NewFlagSet("provider "+verb, flag.ContinueOnError)
	preset := fs.String("preset", "custom", "swarms, openai, openrouter, ollama, lmstudio or custom")
	id := fs.String("id", "", "provider id (add: defaults to the preset's)")
	name := fs.String("name", "", "display name")
	baseURL := fs.String("base-url", "", "base URL, e.g. https://api.example.com/v1")
	auth := fs.String("auth", "", "x-api-key, bearer or none")
	model := fs.String("model", "", "default model")
	makeDefault := fs.Bool("default", false, "make it the default provider")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if verb == "add" && len(pos) != 0 {
		return usagef("provider add takes only flags")
	}
	if verb == "set" && len(pos) != 1 {
		return usagef("provider set takes the provider id")
	}
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	sv := app.GetSettings()
	s := sv.Settings
	var p view.Provider
	idx := -1
	if verb == "add" {
		found := false
		for _, pr := range sv.Presets {
			if pr.Preset == *preset {
				p = view.Provider{ID: pr.ID, Name: pr.Name, Preset: pr.Preset, BaseURL: pr.BaseURL, Auth: pr.Auth,
					SupportsMaxLoops: pr.SupportsMaxLoops}
				found = true
			}
		}
		if !found {
			return usagef("there is no preset %q", *preset)
		}
		if *id != "" {
			p.ID = *id
		}
		for _, q := range s.Providers {
			if q.ID == p.ID {
				return usagef("a provider %q exists already: give another --id", p.ID)
			}
		}
	} else {
		for i := range s.Providers {
			if s.Providers[i].ID == pos[0] {
				idx, p = i, s.Providers[i]
			}
		}
		if idx < 0 {
			return fmt.Errorf("there is no provider %q", pos[0])
		}
	}
	if *name != "" {
		p.Name = *name
	}
	if *baseURL != "" {
		p.BaseURL = *baseURL
	}
	if *auth != "" {
		p.Auth = *auth
	}
	if *model != "" {
		p.DefaultModel = *model
	}
	if idx < 0 {
		s.Providers = append(s.Providers, p)
	} else {
		s.Providers[idx] = p
	}
	if *makeDefault {
		s.Defaults.ProviderID = p.ID
		s.Defaults.Model = ""
	}
	return r.saveSettings(app, s)
}

func (r *runner) providerRemove(id string) error {
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	s := app.GetSettings().Settings
	if id == s.Defaults.ProviderID {
		return fmt.Errorf("%q is the default provider: make another one the default first", id)
	}
	kept := s.Providers[:0]
	for _, p := range s.Providers {
		if p.ID != id {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(s.Providers) {
		return fmt.Errorf("there is no provider %q", id)
	}
	s.Providers = kept
	return r.saveSettings(app, s)
}

func (r *runner) saveSettings(app App, s view.Settings) error {
	warnings, err := app.SaveSettings(s)
	var ve *view.Error
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Fprintf(r.Stderr, "  %s: %s\n", f.Path, f.Message)
		}
	}
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(r.Stderr, "warning: %s: %s\n", w.Path, w.Message)
	}
	return nil
}

func (r *runner) key(args []string) error {
	if len(args) == 0 || len(args) > 2 {
		return usagef("key needs set, delete or status, and optionally a provider id")
	}
	switch args[0] {
	case "set", "delete", "status":
	default:
		return usagef("key needs set, delete or status, not %q", args[0])
	}
	var key string
	if args[0] == "set" {
		if interactive(r.Stdin) {
			fmt.Fprint(r.Stderr, "Paste the API key and press Enter: ")
		}
		line, err := bufio.NewReader(io.LimitReader(r.Stdin, 64<<10)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the key from standard input: %w", err)
		}
		if key = strings.TrimSpace(line); key == "" {
			return usagef("no key on standard input")
		}
	}
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	provider := app.GetSettings().Settings.Defaults.ProviderID
	if len(args) == 2 {
		provider = args[1]
	}
	var st view.KeyStatus
	switch args[0] {
	case "set":
		st, err = app.SetKey(provider, key)
	case "delete":
		st, err = app.DeleteKey(provider)
	default:
		st, err = app.KeyStatus(provider)
	}
	if err != nil {
		return err
	}
	switch {
	case !st.Set:
		fmt.Fprintf(r.Stdout, "%s: no key\n", provider)
	case st.Source == "env":
		fmt.Fprintf(r.Stdout, "%s: key from the environment (%s), ending %s\n", provider, st.EnvVar, st.Hint)
	default:
		fmt.Fprintf(r.Stdout, "%s: key in the %s, ending %s\n", provider, st.Source, st.Hint)
	}
	if st.SessionOnly {
		fmt.Fprintf(r.Stderr, "warning: no keychain (%s); a key set now lasts only until Murmur exits\n", st.Reason)
	}
	return nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
