//go:build !js

package cli

import (
	"flag"
	"fmt"
)

func (r *runner) export(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	all := fs.Bool("all", false, "every conversation, as a zip")
	format := fs.String("format", "md", "`format`: md, json, html, txt or openai")
	branches := fs.Bool("all-branches", false, "include regenerated replies and edited prompts")
	output := fs.String("o", "", "write to `FILE` instead of standard output (needed with --all)")
	pos, err := r.parse(fs, args)
	if err != nil {
		return err
	}
	if *all == (len(pos) == 1) || len(pos) > 1 {
		return usagef("give one conversation id, or --all")
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
	details := fs.Bool("details", false, "list the notes, and every conversation skipped and why")
	replace := fs.Bool("replace-newer", false, "replace conversations imported before when the file has a newer version")
	pos, err := r.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one file to import")
	}
	app, err := r.openApp(pos[0], "")
	if err != nil {
		return err
	}
	res, err := app.Import(*replace)
	if *details {
		for _, line := range res.Details {
			fmt.Fprintln(r.Stdout, line)
		}
	}
	if err != nil {
		return err
	}
	line := res.Summary
	if !*details && len(res.Details) > 0 {
		line += " (murmur import --details for the list)"
	}
	fmt.Fprintln(r.Stderr, line)
	return nil
}
