//go:build !js

package cli

import (
	"flag"
	"fmt"
)

func (r *runner) export(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	all := fs.Bool("all", false, "every conversation, as a zip")
	format := fs.String("format", "md", "md, json, html, txt or openai")
	branches := fs.Bool("all-branches", false, "include regenerated replies and edited prompts")
	output := fs.String("o", "", "write to FILE instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *all == (len(pos) == 1) || len(pos) > 1 {
		return usagef("export takes one conversation id or --all")
	}
	if *all && *output == "" {
		return usagef("--all writes a zip: name it with -o FILE")
	}
	app, err := r.openApp("", *output)
	if err != nil {
		return err
	}
	if *all {
		res, err := app.ExportAll(*format)
		if err != nil {
			return err
		}
		fmt.Fprintf(r.Stderr, "exported %s to %s\n", plural(res.Count, "conversation", "conversations"), res.Where)
		return nil
	}
	res, err := app.ExportConversation(pos[0], *format, *branches)
	if err != nil {
		return err
	}
	if *output != "" {
		fmt.Fprintf(r.Stderr, "exported to %s\n", res.Where)
	}
	return nil
}

func (r *runner) importFile(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	details := fs.Bool("details", false, "list every conversation imported or skipped, with its notes")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import takes one file")
	}
	app, err := r.openApp(pos[0], "")
	if err != nil {
		return err
	}
	res, err := app.Import()
	notes := 0
	for _, it := range res.Imported {
		notes += len(it.Notes)
		if *details {
			fmt.Fprintf(r.Stdout, "imported %s  %s (%s)\n", it.ID, oneLine(it.Title, 60), plural(it.Messages, "message", "messages"))
			for _, n := range it.Notes {
				fmt.Fprintf(r.Stdout, "    note: %s\n", n)
			}
		}
	}
	if *details {
		for _, sk := range res.Skipped {
			fmt.Fprintf(r.Stdout, "skipped  %s #%d %s: %s\n", sk.Source, sk.Index, oneLine(sk.Title, 40), sk.Reason)
		}
		if n := res.MoreSkipped; n > 0 {
			fmt.Fprintf(r.Stdout, "skipped  %d more (not listed)\n", n)
		}
	}
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s: %d imported, %d skipped", pos[0], len(res.Imported), len(res.Skipped)+res.MoreSkipped)
	if notes > 0 {
		line += ", " + plural(notes, "note", "notes")
	}
	if !*details && (notes > 0 || len(res.Skipped) > 0) {
		line += " (murmur import --details for the list)"
	}
	fmt.Fprintln(r.Stderr, line)
	return nil
}
