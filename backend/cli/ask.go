//go:build !js

package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"murmur/backend/view"
)

// maxPrompt bounds a prompt read from standard input (the facade's limit).
const maxPrompt = 4 << 20

// files collects a flag given more than once.
type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func (r *runner) ask(args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	provider := fs.String("provider", "", "`id` of the provider to send with (default: the conversation's, or the default provider)")
	model := fs.String("model", "", "`model` to use (default: the conversation's, or the provider's default model)")
	convID := fs.String("conversation", "", "continue the conversation with this `id` (default: a new one)")
	system := fs.String("system", "", "system prompt `text` for the conversation")
	temperature := fs.String("temperature", "", "sampling `temperature`, 0 to 2")
	maxLoops := fs.String("max-loops", "", "Swarms reasoning loops (a whole `number`)")
	var attach files
	fs.Var(&attach, "attach", "attach an image or a text `file` (repeat for more)")
	pos, err := r.parse(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var params view.Params
	if set["temperature"] {
		t, err := strconv.ParseFloat(*temperature, 64)
		if err != nil {
			return usagef("--temperature takes a number, not %q", *temperature)
		}
		params.Temperature = &t
	}
	if set["max-loops"] {
		n, err := strconv.Atoi(*maxLoops)
		if err != nil {
			return usagef("--max-loops takes a whole number, not %q", *maxLoops)
		}
		params.MaxLoops = &n
	}
	prompt := strings.Join(pos, " ")
	// Attached files alone are a prompt; standard input is read then only
	// when it is not a terminal waiting for a person to type.
	if prompt == "" && (len(attach) == 0 || !interactive(r.Stdin)) {
		b, err := io.ReadAll(io.LimitReader(r.Stdin, maxPrompt+1))
		if err != nil {
			return fmt.Errorf("read the prompt from standard input: %w", err)
		}
		prompt = string(b)
	}
	if strings.TrimSpace(prompt) == "" && len(attach) == 0 {
		return usagef("no prompt: give it as arguments or on standard input")
	}

	app, err := r.openWith(terminal{attach: attach, stdout: r.Stdout})
	if err != nil {
		return err
	}
	var atts []view.Attachment
	if len(attach) > 0 {
		if atts, err = app.AttachFiles(); err != nil {
			return err
		}
	}
	id := *convID
	if set["provider"] || set["model"] || set["system"] || set["temperature"] || set["max-loops"] {
		var v view.Conversation
		if id == "" {
			v, err = app.NewConversation()
		} else {
			v, err = app.GetConversation(id)
		}
		if err != nil {
			return err
		}
		id = v.ID
		o := view.ConversationOptions{ProviderID: v.ProviderID, Model: v.Model, SystemPrompt: v.SystemPrompt, Params: v.Params}
		if set["provider"] {
			o.ProviderID = *provider
		}
		if set["model"] {
			o.Model = *model
		}
		if set["system"] {
			o.SystemPrompt = system
		}
		if params.Temperature != nil {
			o.Params.Temperature = params.Temperature
		}
		if params.MaxLoops != nil {
			o.Params.MaxLoops = params.MaxLoops
		}
		if _, err := app.SetConversationOptions(id, o); err != nil {
			return err
		}
	}

	started, err := app.Send(id, prompt, atts)
	if err != nil {
		return err
	}
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupt)
	p := newPrinter(r.Stdout, r.Stderr, started.StreamID)
	for {
		select {
		case <-interrupt:
			p.stopping = true
			_ = app.Stop(started.StreamID)
		case ev := <-r.events:
			done, err := p.print(ev)
			if !done {
				continue
			}
			if err == errStopped {
				fmt.Fprintln(r.Stderr, "murmur: stopped; the partial reply is saved in conversation", started.ConversationID)
			}
			return err
		}
	}
}

// interactive reports whether r is a terminal.
func interactive(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTerminal(f)
}
