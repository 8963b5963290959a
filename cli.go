//go:build !js

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/settings"
)

// command is one CLI subcommand.
type command struct {
	name, args, summary string
	run                 func(c *cli, args []string) error
}

func commands() []command {
	return []command{
		{"ask", "[--provider ID] [--model M] [--conversation ID] [--system TEXT] [--temperature T] [--max-loops N] [PROMPT]",
			"send a prompt (or standard input) and stream the reply", (*cli).ask},
		{"list", "[--archived | --all] [--limit N]", "list conversations, pinned first, then the most recent", (*cli).list},
		{"show", "ID", "print a conversation's current branch", (*cli).show},
		{"search", "QUERY", "search every message", (*cli).search},
		{"export", "(ID | --all) --format md|json|html|txt|openai [--all-branches] [-o FILE]",
			"export a conversation, or all of them as a zip", (*cli).export},
		{"import", "FILE", "import a Murmur export, a ChatGPT export or an OpenAI messages file", (*cli).importFile},
		{"models", "[--provider ID]", "fetch a provider's model list", (*cli).models},
		{"provider", "list | add | set | remove", "manage providers", (*cli).provider},
		{"key", "set | delete | status [PROVIDER]", "manage API keys (set reads the key from standard input)", (*cli).key},
	}
}

func isCommand(name string) bool {
	if name == "help" || name == "--help" || name == "-h" {
		return true
	}
	for _, c := range commands() {
		if c.name == name {
			return true
		}
	}
	return false
}

// cli runs one command against the same App the window uses.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	app            *App
	ctx            context.Context
	// events receives the stream events the App emits.
	events chan chat.StreamEvent
	// output names the file given with -o, for the export shell.
	output string
	input  string
}

// errUsage marks an error in the command line itself (exit status 2).
var errUsage = errors.New("usage")

// errStopped ends `ask` when Ctrl-C stopped the reply (exit status 130).
var errStopped = errors.New("stopped")

func runCLI(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		printUsage(stdout)
		return 0
	}
	var cmd command
	for _, c := range commands() {
		if c.name == args[0] {
			cmd = c
		}
	}
	for _, a := range args[1:] {
		if a == "--help" || a == "-h" || a == "-help" {
			fmt.Fprintf(stdout, "usage: murmur %s %s\n\n%s\n", cmd.name, cmd.args, cmd.summary)
			return 0
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, ctx: ctx, events: make(chan chat.StreamEvent, 1024)}
	log, closeLog := openLog()
	defer closeLog()
	c.app = &App{}
	closeCore, err := openCore(ctx, c.app, log, chat.EmitterFunc(c.emit), cliShell{c: c})
	if err != nil {
		fmt.Fprintln(stderr, "murmur:", Readable(err))
		return 1
	}
	err = cmd.run(c, args[1:])
	cancel()
	if cerr := closeCore(); cerr != nil && err == nil {
		err = cerr
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errStopped):
		return 130
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "murmur %s: %s\nusage: murmur %s %s\n", cmd.name, strings.TrimPrefix(err.Error(), "usage: "), cmd.name, cmd.args)
		return 2
	}
	fmt.Fprintln(stderr, "murmur:", Readable(err))
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Murmur: chat with the Swarms API and OpenAI-compatible models.")
	fmt.Fprintln(w, "\nWithout a command, murmur opens the window. Commands:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nRun 'murmur COMMAND --help' for a command's options.")
}

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// parse parses flags that may stand before, between or after the
// positional arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *cli) emit(name string, payload any) {
	if ev, ok := payload.(chat.StreamEvent); ok {
		c.events <- ev
	}
}

// ---- ask ---------------------------------------------------------------------

func (c *cli) ask(args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	provider := fs.String("provider", "", "provider id")
	model := fs.String("model", "", "model")
	convID := fs.String("conversation", "", "continue this conversation")
	system := fs.String("system", "", "system prompt")
	temperature := fs.String("temperature", "", "sampling temperature, 0 to 2")
	maxLoops := fs.String("max-loops", "", "Swarms reasoning loops")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	prompt := strings.Join(pos, " ")
	if prompt == "" {
		b, err := io.ReadAll(io.LimitReader(c.stdin, maxPrompt+1))
		if err != nil {
			return fmt.Errorf("read the prompt from standard input: %w", err)
		}
		prompt = string(b)
	}
	if strings.TrimSpace(prompt) == "" {
		return usagef("no prompt: give it as arguments or on standard input")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	id := *convID
	if set["provider"] || set["model"] || set["system"] || set["temperature"] || set["max-loops"] {
		var view ConversationView
		if id == "" {
			if view, err = c.app.NewConversation(); err != nil {
				return err
			}
			id = view.ID
		} else if view, err = c.app.GetConversation(id); err != nil {
			return err
		}
		o := ConversationOptions{ProviderID: view.ProviderID, Model: view.Model, SystemPrompt: view.SystemPrompt, Params: view.Params}
		if set["provider"] {
			o.ProviderID = *provider
		}
		if set["model"] {
			o.Model = *model
		}
		if set["system"] {
			o.SystemPrompt = system
		}
		if set["temperature"] {
			t, err := strconv.ParseFloat(*temperature, 64)
			if err != nil {
				return usagef("--temperature takes a number, not %q", *temperature)
			}
			o.Params.Temperature = &t
		}
		if set["max-loops"] {
			n, err := strconv.Atoi(*maxLoops)
			if err != nil {
				return usagef("--max-loops takes a whole number, not %q", *maxLoops)
			}
			o.Params.MaxLoops = &n
		}
		if _, err := c.app.SetConversationOptions(id, o); err != nil {
			return err
		}
	}

	started, err := c.app.Send(id, prompt)
	if err != nil {
		return err
	}
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupt)

	out := bufio.NewWriter(c.stdout)
	stopped := false
	for {
		select {
		case <-interrupt:
			stopped = true
			_ = c.app.Stop(started.StreamID)
		case ev := <-c.events:
			if ev.StreamID != started.StreamID {
				continue
			}
			if ev.ReasoningDelta != "" {
				fmt.Fprint(c.stderr, ev.ReasoningDelta)
			}
			out.WriteString(ev.Delta)
			out.Flush()
			if !ev.Terminal() {
				continue
			}
			if !strings.HasSuffix(c.lastText(started), "\n") {
				out.WriteString("\n")
			}
			out.Flush()
			switch ev.Type {
			case chat.EventError:
				return &UIError{Kind: ev.Error.Kind, Message: ev.Error.Message}
			case chat.EventStopped:
				if stopped {
					fmt.Fprintln(c.stderr, "murmur: stopped; the partial reply is saved in conversation", started.ConversationID)
					return errStopped
				}
				return errors.New("the reply was interrupted")
			}
			return nil
		}
	}
}

func (c *cli) lastText(s chat.Started) string {
	snap, err := c.app.StreamSnapshot(s.StreamID)
	if err != nil {
		return ""
	}
	return snap.Content
}

// ---- list, show, search ------------------------------------------------------

func (c *cli) list(args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	archived := fs.Bool("archived", false, "only archived conversations")
	all := fs.Bool("all", false, "archived conversations too")
	limit := fs.Int("limit", 50, "how many")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	filter := "active"
	if *archived {
		filter = "archived"
	}
	if *all {
		filter = "all"
	}
	if *limit < 1 || *limit > 500 {
		return usagef("--limit is 1 to 500")
	}
	p, err := c.app.ListConversations(filter, 0, *limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	for _, s := range p.Items {
		mark := " "
		if s.Pinned {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d msgs\n", s.ID, mark, s.UpdatedAt.Local().Format("2006-01-02 15:04"), oneLine(s.Title, 60), s.MessageCount)
	}
	tw.Flush()
	if p.More {
		fmt.Fprintf(c.stderr, "(%d of %d shown)\n", len(p.Items), p.Total)
	}
	return nil
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	return clipText(s, n)
}

func (c *cli) show(args []string) error {
	pos, err := parse(flag.NewFlagSet("show", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("show takes one conversation id")
	}
	v, err := c.app.GetConversation(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "# %s\n", v.Title)
	for _, m := range v.Messages {
		head := m.Role
		if m.Model != "" && m.Role == string(conversation.RoleAssistant) {
			head += " (" + m.Model + ")"
		}
		if m.Status != string(conversation.StatusComplete) {
			head += " [" + m.Status + "]"
		}
		if len(m.Alternatives) > 1 {
			head += fmt.Sprintf(" <%d/%d>", m.Alternative+1, len(m.Alternatives))
		}
		fmt.Fprintf(c.stdout, "\n## %s\n\n%s\n", head, m.Content)
		if m.Error != nil {
			fmt.Fprintf(c.stdout, "\n! %s\n", m.Error.Message)
		}
	}
	return nil
}

func (c *cli) search(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "how many")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("search needs the text to look for")
	}
	if *limit < 1 || *limit > 500 {
		return usagef("--limit is 1 to 500")
	}
	p, err := c.app.SearchConversations(strings.Join(pos, " "), "all", 0, *limit)
	if err != nil {
		return err
	}
	if len(p.Items) == 0 {
		fmt.Fprintln(c.stderr, "no matches")
		return nil
	}
	for _, h := range p.Items {
		var snip strings.Builder
		for _, s := range h.Snippet {
			if s.Match {
				snip.WriteString("[" + s.Text + "]")
			} else {
				snip.WriteString(s.Text)
			}
		}
		fmt.Fprintf(c.stdout, "%s  %s\n    %s\n", h.ID, oneLine(h.Title, 60), oneLine(snip.String(), 120))
	}
	return nil
}

// ---- export, import --------------------------------------------------------------

// cliShell answers App's questions from the command line.
type cliShell struct{ c *cli }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func (s cliShell) SaveFile(ctx context.Context, suggested, mimeType string) (io.WriteCloser, string, bool, error) {
	if s.c.output == "" || s.c.output == "-" {
		return nopCloser{s.c.stdout}, "standard output", true, nil
	}
	f, err := createAtomic(s.c.output)
	if err != nil {
		return nil, "", false, err
	}
	return f, s.c.output, true, nil
}

func (s cliShell) OpenFile(ctx context.Context) (ImportFile, bool, error) {
	f, err := openImportFile(s.c.input)
	return f, err == nil, err
}

func (cliShell) Confirm(context.Context, string, string) (bool, error) { return false, nil }

func (cliShell) OpenURL(context.Context, string) error {
	return errors.New("the command line does not open links")
}

func (c *cli) export(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	all := fs.Bool("all", false, "every conversation, as a zip")
	format := fs.String("format", "md", "md, json, html, txt or openai")
	branches := fs.Bool("all-branches", false, "include regenerated replies and edited prompts")
	fs.StringVar(&c.output, "o", "", "write to FILE instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *all == (len(pos) == 1) || len(pos) > 1 {
		return usagef("export takes one conversation id or --all")
	}
	if *all {
		if c.output == "" {
			return usagef("--all writes a zip: name it with -o FILE")
		}
		res, err := c.app.ExportAll(*format)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "exported %d conversations to %s\n", res.Count, res.Where)
		return nil
	}
	res, err := c.app.ExportConversation(pos[0], *format, *branches)
	if err != nil {
		return err
	}
	if c.output != "" {
		fmt.Fprintf(c.stderr, "exported to %s\n", res.Where)
	}
	return nil
}

func (c *cli) importFile(args []string) error {
	pos, err := parse(flag.NewFlagSet("import", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import takes one file")
	}
	c.input = pos[0]
	res, err := c.app.Import()
	for _, it := range res.Result.Imported {
		fmt.Fprintf(c.stdout, "imported %s  %s (%d messages)\n", it.ID, oneLine(it.Title, 60), it.Messages)
	}
	for _, sk := range res.Result.Skipped {
		fmt.Fprintf(c.stdout, "skipped  %s #%d %s: %s\n", sk.Source, sk.Index, oneLine(sk.Title, 40), sk.Reason)
	}
	if n := res.Result.MoreSkipped; n > 0 {
		fmt.Fprintf(c.stdout, "skipped  %d more (not listed)\n", n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "%d imported, %d skipped\n", len(res.Result.Imported), len(res.Result.Skipped)+res.Result.MoreSkipped)
	return nil
}

// ---- models, providers, keys ----------------------------------------------------

func (c *cli) defaultProvider() string { return c.app.Settings().Defaults.ProviderID }

func (c *cli) models(args []string) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	provider := fs.String("provider", "", "provider id (default: the default provider)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *provider == "" {
		*provider = c.defaultProvider()
	}
	ids, err := c.app.ListModels(*provider)
	if err != nil {
		return err
	}
	for _, id := range ids {
		fmt.Fprintln(c.stdout, id)
	}
	return nil
}

func (c *cli) provider(args []string) error {
	if len(args) == 0 {
		return usagef("provider needs list, add, set or remove")
	}
	s := c.app.Settings()
	switch args[0] {
	case "list":
		tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tBASE URL\tAUTH\tMODEL\tKEY")
		for _, p := range s.Providers {
			mark := ""
			if p.ID == s.Defaults.ProviderID {
				mark = " (default)"
			}
			st, _ := c.app.KeyStatus(p.ID)
			key := "not set"
			switch {
			case p.Auth == settings.AuthNone:
				key = "not needed"
			case st.Set:
				key = fmt.Sprintf("%s …%s", st.Source, st.Hint)
			}
			fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, mark, p.Name, p.BaseURL, p.Auth, p.DefaultModel, key)
		}
		return tw.Flush()
	case "add", "set":
		fs := flag.NewFlagSet("provider "+args[0], flag.ContinueOnError)
		preset := fs.String("preset", "custom", "swarms, openai, openrouter, ollama, lmstudio or custom")
		id := fs.String("id", "", "provider id (add: defaults to the preset's)")
		name := fs.String("name", "", "display name")
		baseURL := fs.String("base-url", "", "base URL, e.g. https://api.example.com/v1")
		auth := fs.String("auth", "", "x-api-key, bearer or none")
		model := fs.String("model", "", "default model")
		makeDefault := fs.Bool("default", false, "make it the default provider")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		var p settings.Provider
		idx := -1
		if args[0] == "add" {
			if len(pos) != 0 {
				return usagef("provider add takes only flags")
			}
			p = settings.NewProvider(settings.Preset(*preset))
			if *id != "" {
				p.ID = *id
			}
			if _, exists := s.Provider(p.ID); exists {
				return usagef("a provider %q exists already: give another --id", p.ID)
			}
		} else {
			if len(pos) != 1 {
				return usagef("provider set takes the provider id")
			}
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
			p.Auth = settings.AuthStyle(*auth)
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
		return c.saveSettings(s)
	case "remove":
		if len(args) != 2 {
			return usagef("provider remove takes the provider id")
		}
		kept := s.Providers[:0]
		for _, p := range s.Providers {
			if p.ID != args[1] {
				kept = append(kept, p)
			}
		}
		if len(kept) == len(s.Providers) {
			return fmt.Errorf("there is no provider %q", args[1])
		}
		if args[1] == s.Defaults.ProviderID {
			return fmt.Errorf("%q is the default provider: make another one the default first", args[1])
		}
		s.Providers = kept
		return c.saveSettings(s)
	}
	return usagef("provider needs list, add, set or remove, not %q", args[0])
}

func (c *cli) saveSettings(s settings.Settings) error {
	warnings, err := c.app.SaveSettings(s)
	var ue *UIError
	if errors.As(err, &ue) && len(ue.Fields) > 0 {
		for _, f := range ue.Fields {
			fmt.Fprintf(c.stderr, "  %s: %s\n", f.Path, f.Message)
		}
	}
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(c.stderr, "warning: %s: %s\n", w.Path, w.Message)
	}
	return nil
}

func (c *cli) key(args []string) error {
	if len(args) == 0 || len(args) > 2 {
		return usagef("key needs set, delete or status, and optionally a provider id")
	}
	provider := c.defaultProvider()
	if len(args) == 2 {
		provider = args[1]
	}
	var st KeyStatusRow
	var err error
	switch args[0] {
	case "set":
		if f, ok := c.stdin.(*os.File); ok && isTerminal(f) {
			fmt.Fprintf(c.stderr, "Paste the API key for %s and press Enter: ", provider)
		}
		line, rerr := bufio.NewReader(io.LimitReader(c.stdin, 64<<10)).ReadString('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return fmt.Errorf("read the key from standard input: %w", rerr)
		}
		if strings.TrimSpace(line) == "" {
			return usagef("no key on standard input")
		}
		st, err = c.app.SetKey(provider, strings.TrimSpace(line))
	case "delete":
		st, err = c.app.DeleteKey(provider)
	case "status":
		st, err = c.app.KeyStatus(provider)
	default:
		return usagef("key needs set, delete or status, not %q", args[0])
	}
	if err != nil {
		return err
	}
	switch {
	case !st.Set:
		fmt.Fprintf(c.stdout, "%s: no key\n", provider)
	case st.Source == "env":
		fmt.Fprintf(c.stdout, "%s: key from the environment (%s), ending %s\n", provider, st.EnvVar, st.Hint)
	default:
		fmt.Fprintf(c.stdout, "%s: key in the %s, ending %s\n", provider, st.Source, st.Hint)
	}
	if st.SessionOnly {
		fmt.Fprintf(c.stderr, "warning: no keychain (%s); a key set now lasts only until Murmur exits\n", st.Reason)
	}
	return nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
