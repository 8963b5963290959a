// Command murmur-release holds the steps of `make dist` that are easier to
// get right in Go than in shell, each a subcommand:
//
//	murmur-release version [-commits N] -format file|deb|numeric|windows DESCRIBE
//	    print the build's version (git describe output) in one package format
//	murmur-release render -project wails.json -version X.Y.Z -o OUT TEMPLATE
//	    render one of Wails' build-asset templates as `wails build` would
//	murmur-release check-exe [-installer] -file-version A.B.C.D -product-version V EXE
//	    check a cross-built Windows executable (the app, or with -installer
//	    the 32-bit NSIS installer) without running it
package main

import (
	"debug/pe"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"murmur/internal/winexe"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "murmur-release:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a subcommand: version, render or check-exe")
	}
	switch args[0] {
	case "version":
		return runVersion(args[1:], stdout)
	case "render":
		return runRender(args[1:])
	case "check-exe":
		return runCheckExe(args[1:], stdout)
	}
	return fmt.Errorf("unknown subcommand %q: want version, render or check-exe", args[0])
}

func runVersion(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	commits := fs.Int("commits", 0, "commits in HEAD, for a repository without a version tag")
	format := fs.String("format", "file", "file, deb, numeric or windows")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("version: want one argument, the git describe output")
	}
	r, err := parseVersion(fs.Arg(0), *commits)
	if err != nil {
		return err
	}
	s, err := r.format(*format)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, s)
	return err
}

func runRender(args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	projectPath := fs.String("project", "wails.json", "the Wails project file")
	version := fs.String("version", "", "the product version, MAJOR.MINOR.PATCH")
	out := fs.String("o", "", "where to write the rendered file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return errors.New("render: want -o OUT and one template")
	}
	p, err := loadProject(*projectPath, *version)
	if err != nil {
		return err
	}
	text, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("read the template: %w", err)
	}
	b, err := render(fs.Arg(0), text, p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write the rendered template: %w", err)
	}
	return nil
}

func runCheckExe(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check-exe", flag.ContinueOnError)
	var want winexe.Want
	fs.StringVar(&want.FileVersion, "file-version", "", "the fixed file version, A.B.C.D")
	fs.StringVar(&want.ProductVersion, "product-version", "", "the ProductVersion string")
	installer := fs.Bool("installer", false, "the NSIS installer: a 32-bit x86 image")
	if err := fs.Parse(args); err != nil {
		return err
	}
	kind := "PE32+ amd64"
	if *installer {
		want.Machine, kind = pe.IMAGE_FILE_MACHINE_I386, "PE32 x86"
	}
	if fs.NArg() != 1 || want.FileVersion == "" || want.ProductVersion == "" {
		return errors.New("check-exe: want -file-version, -product-version and one executable")
	}
	want.IconSizes = []int{16, 32, 48, 256}
	exe, err := winexe.Inspect(fs.Arg(0))
	if err != nil {
		return err
	}
	if p := exe.Problems(want); len(p) > 0 {
		return fmt.Errorf("%s:\n  %s", fs.Arg(0), strings.Join(p, "\n  "))
	}
	_, err = fmt.Fprintf(stdout, "%s: %s GUI; imports %s; icon %v; file version %s; product version %q; manifest ok\n",
		fs.Arg(0), kind, strings.Join(exe.DLLs, ", "), exe.IconSizes, exe.FileVersion, exe.Strings["ProductVersion"])
	return err
}
