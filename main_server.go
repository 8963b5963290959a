//go:build !js && server

// Command murmur, built with -tags server (`make server`): the command line
// and `murmur serve` without the desktop window, GTK or WebKit, for servers
// (CGO_ENABLED=0, one static binary). The web app and the widget are built
// in (`make web` first).
package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"

	"murmur/backend/cli"
)

//go:embed all:dist/web
var web embed.FS

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"help"}
	}
	files, err := fs.Sub(web, "dist/web")
	if err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		os.Exit(1)
	}
	os.Exit(cli.Run(args, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr},
		cli.Env{Version: version, Open: openForCommand, Web: func() fs.FS { return files }, Headless: true}))
}
