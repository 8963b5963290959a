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

	"murmur/backend/settings"
	"murmur/backend/view"
)

func (r *runner) models(args []string) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	provider := fs.String("provider", "", "`id` of the provider (default: the default provider)")
	if pos, err := r.parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("takes only options, not %q", pos[0])
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

// providerCommands are the subcommands of `murmur provider`.
func providerCommands() []usage {
	return []usage{
		{name: "provider list", summary: "list the providers, the default one marked, and where each key comes from"},
		{name: "provider add", args: "[--preset P] [--id ID] [--name NAME] [--base-url URL] [--auth STYLE] [--model M] [--default]",
			summary: "add a provider from a preset (custom: give --base-url)"},
		{name: "provider set", args: "ID [--name NAME] [--base-url URL] [--auth STYLE] [--model M] [--default]",
			summary: "change a provider"},
		{name: "provider remove", args: "ID", summary: "remove a provider other than the default one"},
	}
}

func (r *runner) provider(args []string) error {
	if len(args) == 0 {
		return usagef("choose list, add, set or remove")
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return errHelp
	}
	for _, u := range providerCommands() {
		if u.name == "provider "+args[0] {
			r.use = u
		}
	}
	fs := flag.NewFlagSet(r.use.name, flag.ContinueOnError)
	switch args[0] {
	case "list":
		if pos, err := r.parse(fs, args[1:]); err != nil {
			return err
		} else if len(pos) != 0 {
			return usagef("takes no arguments, not %q", pos[0])
		}
		return r.providerList()
	case "add", "set":
		return r.providerEdit(fs, args[0], args[1:])
	case "remove":
		pos, err := r.parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("give the id of the provider to remove")
		}
		return r.providerRemove(pos[0])
	}
	return usagef("%q is not list, add, set or remove", view.Clip(args[0], 40))
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

// presetNames lists the presets a provider can start from.
func presetNames() string {
	var names []string
	for _, p := range settings.Presets() {
		names = append(names, string(p.Preset))
	}
	return orList(names)
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// providerFlag names the option that sets a field of a provider, given by
// its name in the settings view ("" for none).
func providerFlag(field string) string {
	switch field {
	case "id", "preset", "name", "auth":
		return field
	case "baseUrl":
		return "base-url"
	case "defaultModel":
		return "model"
	}
	return ""
}

func (r *runner) providerEdit(fs *flag.FlagSet, verb string, args []string) error {
	var preset, id *string
	if verb == "add" {
		preset = fs.String("preset", string(settings.PresetCustom), "`preset` to start from: "+presetNames())
		id = fs.String("id", "", "`id` of the provider, used by --provider and murmur key (default: the preset's)")
	}
	name := fs.String("name", "", "display `name`")
	baseURL := fs.String("base-url", "", "base `URL` of the API, such as https://api.example.com/v1")
	auth := fs.String("auth", "", "how the key is sent, as a `style`: x-api-key, bearer or none (default: the preset's)")
	model := fs.String("model", "", "default `model` of the provider")
	makeDefault := fs.Bool("default", false, "make it the default provider")
	pos, err := r.parse(fs, args)
	if err != nil {
		return err
	}
	if verb == "add" && len(pos) != 0 {
		return usagef("takes only options, not %q", pos[0])
	}
	if verb == "set" && len(pos) != 1 {
		return usagef("give the id of the provider to change")
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
		var names []string
		for _, pr := range sv.Presets {
			names = append(names, pr.Preset)
			if pr.Preset == *preset {
				p = view.Provider{ID: pr.ID, Name: pr.Name, Preset: pr.Preset, BaseURL: pr.BaseURL, Auth: pr.Auth,
					SupportsMaxLoops: pr.SupportsMaxLoops}
				found = true
			}
		}
		if !found {
			return usagef("--preset: there is no preset %q; choose %s", view.Clip(*preset, 40), orList(names))
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
		if idx = providerIndex(s, pos[0]); idx < 0 {
			return noProvider(s, pos[0])
		}
		p = s.Providers[idx]
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
	verbed := "changed"
	if idx < 0 {
		idx, verbed = len(s.Providers), "added"
		s.Providers = append(s.Providers, p)
	} else {
		s.Providers[idx] = p
	}
	if *makeDefault {
		s.Defaults.ProviderID = p.ID
		s.Defaults.Model = ""
	}
	if err := r.saveSettings(app, s, idx); err != nil {
		return err
	}
	line := verbed + " provider " + p.ID
	if s.Defaults.ProviderID == p.ID {
		line += " (default)"
	}
	fmt.Fprintln(r.Stdout, line)
	return nil
}

// providerIndex returns the index of provider id in s, or -1.
func providerIndex(s view.Settings, id string) int {
	for i := range s.Providers {
		if s.Providers[i].ID == id {
			return i
		}
	}
	return -1
}

// noProvider is the error of a provider id that is not in the settings.
func noProvider(s view.Settings, id string) error {
	var ids []string
	for _, p := range s.Providers {
		ids = append(ids, p.ID)
	}
	if len(ids) == 0 {
		return fmt.Errorf("there is no provider %q, nor any other: add one with murmur provider add", view.Clip(id, 40))
	}
	return fmt.Errorf("there is no provider %q; the providers are %s", view.Clip(id, 40), strings.Join(ids, ", "))
}

func (r *runner) providerRemove(id string) error {
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	s := app.GetSettings().Settings
	idx := providerIndex(s, id)
	if idx < 0 {
		return noProvider(s, id)
	}
	if id == s.Defaults.ProviderID {
		return fmt.Errorf("%q is the default provider: make another one the default first (murmur provider set ID --default)", id)
	}
	s.Providers = append(s.Providers[:idx:idx], s.Providers[idx+1:]...)
	if err := r.saveSettings(app, s, -1); err != nil {
		return err
	}
	fmt.Fprintln(r.Stdout, "removed provider", id)
	return nil
}

// saveSettings saves s and reports each problem on a line of its own,
// naming the option that set the field where there is one: the provider
// at index edited was set from this command's options.
func (r *runner) saveSettings(app App, s view.Settings, edited int) error {
	warnings, err := app.SaveSettings(s)
	var ve *view.Error
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		var list problems
		for _, f := range ve.Fields {
			list = append(list, r.fieldName(f.Path, edited)+": "+f.Message)
		}
		return list
	}
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(r.Stderr, "warning: %s: %s\n", r.fieldName(w.Path, edited), w.Message)
	}
	return nil
}

// fieldName names a settings field for the command line: the option that
// set it, or else the setting's path.
func (r *runner) fieldName(path string, edited int) string {
	name := ""
	if field, ok := strings.CutPrefix(path, fmt.Sprintf("providers[%d].", edited)); ok && edited >= 0 {
		name = providerFlag(field)
	} else if path == "defaults.providerId" {
		name = "default"
	}
	if name != "" && r.flags != nil && r.flags.Lookup(name) != nil {
		return dashed(name)
	}
	return "the setting " + path
}

func (r *runner) key(args []string) error {
	pos, err := r.parse(flag.NewFlagSet("key", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || len(pos) > 2 {
		return usagef("choose set, delete or status, and optionally a provider id")
	}
	switch pos[0] {
	case "set", "delete", "status":
	default:
		return usagef("%q is not set, delete or status", view.Clip(pos[0], 40))
	}
	var key string
	if pos[0] == "set" {
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
	if len(pos) == 2 {
		provider = pos[1]
	}
	var st view.KeyStatus
	switch pos[0] {
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
