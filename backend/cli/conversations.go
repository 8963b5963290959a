//go:build !js

package cli

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

func (r *runner) list(args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	archived := fs.Bool("archived", false, "only archived conversations")
	all := fs.Bool("all", false, "archived conversations too")
	limit := fs.Int("limit", 50, "list at most `N` conversations (1 to 500)")
	if _, err := r.parse(fs, args); err != nil {
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
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	p, err := app.ListConversations(filter, 0, *limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(r.Stdout, 2, 4, 2, ' ', 0)
	for _, s := range p.Items {
		mark := " "
		if s.Pinned {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, mark, localTime(s.UpdatedAt), oneLine(s.Title, 60),
			plural(s.MessageCount, "msg", "msgs"))
	}
	tw.Flush()
	if p.More {
		fmt.Fprintf(r.Stderr, "(%d of %d shown)\n", len(p.Items), p.Total)
	}
	return nil
}

// localTime shows an RFC 3339 time in the local zone to the minute.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Local().Format("2006-01-02 15:04")
}

func (r *runner) show(args []string) error {
	pos, err := r.parse(flag.NewFlagSet("show", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one conversation id")
	}
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	v, err := app.GetConversation(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(r.Stdout, "# %s\n", v.Title)
	for _, m := range v.Messages {
		head := m.Role
		if m.Model != "" && m.Role == "assistant" {
			head += " (" + m.Model + ")"
		}
		if m.Status != "complete" {
			head += " [" + m.Status + "]"
		}
		if len(m.Alternatives) > 1 {
			head += fmt.Sprintf(" <%d/%d>", m.Alternative+1, len(m.Alternatives))
		}
		fmt.Fprintf(r.Stdout, "\n## %s\n\n%s\n", head, m.Content)
		if m.Error != nil {
			fmt.Fprintf(r.Stdout, "\n! %s\n", m.Error.Message)
		}
	}
	return nil
}

func (r *runner) search(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "show at most `N` matches (1 to 500)")
	pos, err := r.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("give the text to look for")
	}
	if *limit < 1 || *limit > 500 {
		return usagef("--limit is 1 to 500")
	}
	app, err := r.openApp("", "")
	if err != nil {
		return err
	}
	p, err := app.SearchConversations(strings.Join(pos, " "), "all", 0, *limit)
	if err != nil {
		return err
	}
	if len(p.Items) == 0 {
		fmt.Fprintln(r.Stderr, "no matches")
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
		fmt.Fprintf(r.Stdout, "%s  %s\n    %s\n", h.ID, oneLine(h.Title, 60), oneLine(snip.String(), 120))
	}
	return nil
}
