//go:build !js

// Package cli is Murmur's command line: murmur ask, list, show, search,
// export, import, models, provider and key, driving the same facade as the
// window through the small App interface below. Each command parses its
// flags first, then opens the app with a Shell built from them (the file to
// import, the path to export to), so nothing is read back through the shell.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"

	"murmur/backend/chat"
	"murmur/backend/secrets"
	"murmur/backend/shell"
	"murmur/backend/view"
)

// App is what the command line drives: the facade's methods it uses.
type App interface {
	ListConversations(filter string, offset, limit int) (view.ConversationPage, error)
	SearchConversations(query, filter string, offset, limit int) (view.SearchPage, error)
	GetConversation(id string) (view.Conversation, error)
	NewConversation() (view.Conversation, error)
	SetConversationOptions(id string, o view.ConversationOptions) (view.Conversation, error)
	Send(conversationID, text string, atts []view.Attachment) (view.Started, error)
	AttachFiles() ([]view.Attachment, error)
	Stop(streamID string) error
	ExportConversation(id, format string, allBranches bool) (view.ExportResult, error)
	ExportAll(format string) (view.ExportResult, error)
	Import(replaceNewer bool) (view.ImportResult, error)
	GetSettings() view.SettingsView
	SaveSettings(s view.Settings) ([]view.FieldError, error)
	ListModels(providerID string) ([]string, error)
	SetKey(providerID, key string) (view.KeyStatus, error)
	DeleteKey(providerID string) (view.KeyStatus, error)
	KeyStatus(providerID string) (view.KeyStatus, error)
}

// Opener opens the app with the shell and events of the command line; the
// returned func waits for replies being written and closes the app.
type Opener func(ctx context.Context, sh shell.Shell, ev shell.Events) (App, func() error, error)

// Env is what the command line runs with.
type Env struct {
	Version string
	// Open opens the app for the commands that use it.
	Open Opener
	// Web finds the web app and the widget for `murmur serve` (the app at
	// its root, the widget under "murmur/"), called by serve alone; nil, or
	// a nil FS, serves the API alone.
	Web func() fs.FS
	// Headless is true for the server build, which has no window.
	Headless bool
}

// IO is where a command reads and writes.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// usage says how to call a command or a provider subcommand: its usage
// line, its summary and, for provider, its subcommands.
type usage struct {
	name, args, summary string
	subs                []usage
}

// line is the usage line: murmur, the name and the arguments.
func (u usage) line() string { return strings.TrimSpace("murmur " + u.name + " " + u.args) }

// command is one subcommand.
type command struct {
	usage
	run func(r *runner, args []string) error
}

func commands() []command {
	return []command{
		{usage{"ask", "[--provider ID] [--model M] [--conversation ID] [--system TEXT] [--temperature T] [--max-loops N] [--attach FILE]... [PROMPT]",
			"send a prompt (or standard input) and stream the reply", nil}, (*runner).ask},
		{usage{"list", "[--archived | --all] [--limit N]", "list conversations, pinned first, then the most recent", nil}, (*runner).list},
		{usage{"show", "ID", "print a conversation's current branch", nil}, (*runner).show},
		{usage{"search", "[--limit N] QUERY", "search every message", nil}, (*runner).search},
		{usage{"export", "(ID | --all) [--format md|json|html|txt|openai] [--all-branches] [-o FILE]",
			"export a conversation, or all of them as a zip", nil}, (*runner).export},
		{usage{"import", "[--details] [--replace-newer] FILE", "import a Murmur, ChatGPT or Claude export, or an OpenAI messages file", nil}, (*runner).importFile},
		{usage{"models", "[--provider ID]", "fetch a provider's model list", nil}, (*runner).models},
		{usage{"provider", "list | add | set | remove", "manage providers", providerCommands()}, (*runner).provider},
		{usage{"key", "set | delete | status [PROVIDER]", "manage API keys (set reads the key from standard input)", nil}, (*runner).key},
		{usage{"serve", "[--listen ADDR] [--provider ID] [--allow-origin ORIGIN]... [--models A,B] [options]",
			"serve the web app and the widget, and proxy one provider with its key (see docs/serve.md)", nil}, (*runner).serve},
	}
}

// IsCommandLine reports whether args (without the program name) ask for the
// command line rather than the window: any first argument that is not a
// flag, and the help and version flags. Unknown commands are the command
// line's to refuse.
func IsCommandLine(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "-help", "--help", "-version", "--version":
		return true
	}
	return !strings.HasPrefix(args[0], "-")
}

// errUsage marks an error in the command line itself (exit status 2).
var errUsage = errors.New("usage")

// errHelp ends a command asked for its --help (exit status 0).
var errHelp = errors.New("help")

// errStopped ends `ask` when Ctrl-C stopped the reply (exit status 130).
var errStopped = errors.New("stopped")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// problems is a command's input refused for several reasons, one a line.
type problems []string

func (p problems) Error() string { return strings.Join(p, "; ") }

// Run runs one command (args[0]) and returns the exit status.
func Run(args []string, std IO, env Env) int {
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printUsage(std.Stdout, env.Headless)
		return 0
	case "version", "-version", "--version":
		fmt.Fprintln(std.Stdout, "murmur", env.Version)
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == args[0] {
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(std.Stderr, "murmur: unknown command %q\n\n", view.Clip(args[0], 40))
		printUsage(std.Stderr, env.Headless)
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &runner{IO: std, ctx: ctx, env: env, use: cmd.usage, events: make(chan chat.StreamEvent, 1024)}
	err := cmd.run(r, args[1:])
	cancel()
	if cerr := r.closeApp(); cerr != nil && err == nil {
		err = cerr
	}
	var list problems
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		r.printHelp(std.Stdout)
		return 0
	case errors.Is(err, errStopped):
		return 130
	case errors.Is(err, errUsage):
		fmt.Fprintf(std.Stderr, "murmur %s: %s\n", r.use.name, strings.TrimPrefix(err.Error(), "usage: "))
		r.printSynopsis(std.Stderr)
		return 2
	case errors.As(err, &list):
		for _, line := range list {
			fmt.Fprintf(std.Stderr, "murmur %s: %s\n", r.use.name, line)
		}
		return 1
	}
	fmt.Fprintln(std.Stderr, "murmur:", view.Readable(err))
	if hint := keyHint(err); hint != "" {
		fmt.Fprintln(std.Stderr, "murmur:", hint)
	}
	return 1
}

// keyHint is how to set a provider's key from a terminal, for an error
// about a missing or wrong key (whose message speaks of Settings).
func keyHint(err error) string {
	var ve *view.Error
	if !errors.As(err, &ve) || ve.Kind != view.KindAuth || ve.ProviderID == "" {
		return ""
	}
	return fmt.Sprintf("to set the key here, run `murmur key set %s` (it reads the key from standard input) or set %s",
		ve.ProviderID, secrets.EnvHint(ve.ProviderID))
}

// printHelp prints what --help shows: the usage line, the summary, the
// subcommands and the options.
func (r *runner) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", r.use.line(), upperFirst(r.use.summary)+".")
	if len(r.use.subs) > 0 {
		fmt.Fprintln(w, "\ncommands:")
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, s := range r.use.subs {
			fmt.Fprintf(tw, "  murmur %s\t%s\n", s.name, s.summary)
		}
		tw.Flush()
		fmt.Fprintf(w, "\nRun 'murmur %s COMMAND --help' for a command's options.\n", r.use.name)
	}
	printFlags(w, r.flags)
}

// printSynopsis prints the usage line and the options after a usage error.
func (r *runner) printSynopsis(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n", r.use.line())
	for _, s := range r.use.subs {
		fmt.Fprintf(w, "       %s\n", s.line())
	}
	printFlags(w, r.flags)
}

// printFlags lists the options of fs (none for nil) with their help texts
// and defaults, in the order of their names.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	if fs == nil {
		return
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		if n++; n == 1 {
			fmt.Fprintln(w, "\noptions:")
		}
		arg, help := flag.UnquoteUsage(f)
		line := "  " + dashed(f.Name)
		if arg != "" {
			line += " " + arg
		}
		switch f.DefValue {
		case "", "0", "0s", "false":
		default:
			help += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, help)
	})
}

// dashed writes an option's name as it is typed: -o, --format.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagProblem rewords the flag package's parse errors with the options as
// they are typed ("there is no option --lisen", not "flag provided but not
// defined: -lisen").
func flagProblem(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "there is no option " + dashed(name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return dashed(name) + " needs a value"
	}
	for _, sep := range []string{" for flag -", " for -"} {
		if head, rest, ok := strings.Cut(msg, sep); ok {
			name, tail, _ := strings.Cut(rest, ": ")
			return head + " for " + dashed(name) + ": " + tail
		}
	}
	return msg
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func printUsage(w io.Writer, headless bool) {
	fmt.Fprintln(w, "Murmur: chat with the Swarms API and OpenAI-compatible models.")
	if headless {
		fmt.Fprintln(w, "\nThis build has no window (it is for servers). Commands:")
	} else {
		fmt.Fprintln(w, "\nWithout a command, murmur opens the window. Commands:")
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  %s\t%s\n", "version", "print the version")
	tw.Flush()
	fmt.Fprintln(w, "\nRun 'murmur COMMAND --help' for a command's options.")
}

// runner runs one command.
type runner struct {
	IO
	ctx    context.Context
	env    Env
	app    App
	close  func() error
	events chan chat.StreamEvent
	// use is the command (or provider subcommand) being run, and flags
	// its options once parsed: what --help and usage errors print.
	use   usage
	flags *flag.FlagSet
}

// openApp opens the app with a shell for the given files (either may be "").
func (r *runner) openApp(input, output string) (App, error) {
	return r.openWith(terminal{input: input, output: output, stdout: r.Stdout})
}

// openWith opens the app with the given shell.
func (r *runner) openWith(t terminal) (App, error) {
	if r.app != nil {
		return r.app, nil
	}
	app, closeApp, err := r.env.Open(r.ctx, t, streamEvents{ch: r.events})
	if err != nil {
		return nil, err
	}
	r.app, r.close = app, closeApp
	return app, nil
}

func (r *runner) closeApp() error {
	if r.close == nil {
		return nil
	}
	return r.close()
}

// parse parses flags that may stand before, between or after the
// positional arguments, and returns the positional ones. Asked for --help
// (-h), it returns errHelp; the runner prints the command's options.
func (r *runner) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	r.flags = fs
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		} else if err != nil {
			return nil, usagef("%s", flagProblem(err))
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

// oneLine folds white space and clips s to n characters.
func oneLine(s string, n int) string {
	return view.Clip(strings.Join(strings.Fields(s), " "), n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
