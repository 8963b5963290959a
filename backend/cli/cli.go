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
	// Web holds the web app and the widget for `murmur serve` (the app at
	// its root, the widget under "murmur/"); nil serves the API alone.
	Web fs.FS
	// Headless is true for the server build, which has no window.
	Headless bool
}

// IO is where a command reads and writes.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(r *runner, args []string) error
}

func commands() []command {
	return []command{
		{"ask", "[--provider ID] [--model M] [--conversation ID] [--system TEXT] [--temperature T] [--max-loops N] [--attach FILE]... [PROMPT]",
			"send a prompt (or standard input) and stream the reply", (*runner).ask},
		{"list", "[--archived | --all] [--limit N]", "list conversations, pinned first, then the most recent", (*runner).list},
		{"show", "ID", "print a conversation's current branch", (*runner).show},
		{"search", "[--limit N] QUERY", "search every message", (*runner).search},
		{"export", "(ID | --all) --format md|json|html|txt|openai [--all-branches] [-o FILE]",
			"export a conversation, or all of them as a zip", (*runner).export},
		{"import", "[--details] [--replace-newer] FILE", "import a Murmur, ChatGPT or Claude export, or an OpenAI messages file", (*runner).importFile},
		{"models", "[--provider ID]", "fetch a provider's model list", (*runner).models},
		{"provider", "list | add | set | remove", "manage providers", (*runner).provider},
		{"key", "set | delete | status [PROVIDER]", "manage API keys (set reads the key from standard input)", (*runner).key},
		{"serve", "[--listen ADDR] [--provider ID] [--allow-origin ORIGIN]... [--models A,B] [flags]",
			"serve the web app and the widget, and proxy one provider with its key (see docs/serve.md)", (*runner).serve},
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

// errStopped ends `ask` when Ctrl-C stopped the reply (exit status 130).
var errStopped = errors.New("stopped")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

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
	for _, a := range args[1:] {
		if a == "--help" || a == "-h" || a == "-help" {
			fmt.Fprintf(std.Stdout, "usage: murmur %s %s\n\n%s\n", cmd.name, cmd.args, cmd.summary)
			return 0
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &runner{IO: std, ctx: ctx, env: env, events: make(chan chat.StreamEvent, 1024)}
	err := cmd.run(r, args[1:])
	cancel()
	if cerr := r.closeApp(); cerr != nil && err == nil {
		err = cerr
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errStopped):
		return 130
	case errors.Is(err, errUsage):
		fmt.Fprintf(std.Stderr, "murmur %s: %s\nusage: murmur %s %s\n", cmd.name, strings.TrimPrefix(err.Error(), "usage: "), cmd.name, cmd.args)
		return 2
	}
	fmt.Fprintln(std.Stderr, "murmur:", view.Readable(err))
	return 1
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
