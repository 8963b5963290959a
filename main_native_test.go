//go:build !js

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// `murmur serve` from a package finds the web files where that package put
// them: $MURMUR_WEB first, then a web folder beside the binary (the Windows
// installer), then <prefix>/share/murmur/web (the .deb, the Linux archive).
func TestWebFilesLookupOrder(t *testing.T) {
	// The trees each case builds, under a temp folder: files are created
	// with their parents; a name ending in "/" is a folder.
	tests := []struct {
		name  string
		files []string
		env   string // $MURMUR_WEB, relative to the temp folder ("" unset)
		exe   string // the binary, relative to the temp folder ("" unknown)
		want  string // the folder found, relative to the temp folder ("" none)
	}{
		{
			name:  "deb or archive: share/murmur/web under the binary's prefix",
			files: []string{"usr/bin/murmur", "usr/share/murmur/web/index.html"},
			exe:   "usr/bin/murmur",
			want:  "usr/share/murmur/web",
		},
		{
			name:  "windows installer: web beside murmur.exe",
			files: []string{"Murmur/murmur.exe", "Murmur/web/index.html", "Murmur/web/murmur/widget.js"},
			exe:   "Murmur/murmur.exe",
			want:  "Murmur/web",
		},
		{
			name:  "the folder beside the binary comes before share",
			files: []string{"p/bin/murmur", "p/bin/web/index.html", "p/share/murmur/web/index.html"},
			exe:   "p/bin/murmur",
			want:  "p/bin/web",
		},
		{
			name:  "MURMUR_WEB comes first",
			files: []string{"p/bin/murmur", "p/bin/web/index.html", "p/share/murmur/web/index.html", "mine/index.html"},
			env:   "mine",
			exe:   "p/bin/murmur",
			want:  "mine",
		},
		{
			name:  "a MURMUR_WEB without index.html is passed over",
			files: []string{"p/bin/murmur", "p/share/murmur/web/index.html", "empty/"},
			env:   "empty",
			exe:   "p/bin/murmur",
			want:  "p/share/murmur/web",
		},
		{
			name:  "a web folder without index.html is passed over",
			files: []string{"p/bin/murmur", "p/bin/web/murmur/widget.js", "p/share/murmur/web/index.html"},
			exe:   "p/bin/murmur",
			want:  "p/share/murmur/web",
		},
		{
			name:  "an index.html that is a folder does not count",
			files: []string{"p/bin/murmur", "p/bin/web/index.html/"},
			exe:   "p/bin/murmur",
			want:  "",
		},
		{
			name:  "no web files anywhere",
			files: []string{"p/bin/murmur"},
			exe:   "p/bin/murmur",
			want:  "",
		},
		{
			name:  "binary unknown: only MURMUR_WEB",
			files: []string{"mine/index.html"},
			env:   "mine",
			want:  "mine",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(root, filepath.FromSlash(f))
				if f[len(f)-1] == '/' {
					if err := os.MkdirAll(p, 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			at := func(rel string) string {
				if rel == "" {
					return ""
				}
				return filepath.Join(root, filepath.FromSlash(rel))
			}
			got := findWebDir(webDirs(at(tt.env), at(tt.exe)))
			if got != at(tt.want) {
				t.Errorf("found %q, want %q", got, at(tt.want))
			}
		})
	}
}

// installedWebFiles serves what $MURMUR_WEB holds.
func TestInstalledWebFilesFromEnv(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<title>Murmur</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MURMUR_WEB", dir)
	files := installedWebFiles()
	if files == nil {
		t.Fatal("installedWebFiles found no web files in $MURMUR_WEB")
	}
	b, err := fs.ReadFile(files, "index.html")
	if err != nil || string(b) != "<title>Murmur</title>" {
		t.Fatalf("index.html from $MURMUR_WEB: %q, %v", b, err)
	}
}
