package transfer

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// importFixtures are the exports the import is tested against: ChatGPT's
// of every vintage (a single conversations.json, the split files of the
// export zip with its images) and Claude's. A directory is imported as the
// zip of its files.
var importFixtures = []string{
	"chatgpt/conversations.json",
	"chatgpt/vintage-2023-03.json",
	"chatgpt/vintage-2024-06.json",
	"chatgpt/vintage-2025-04.json",
	"chatgpt/branches.json",
	"chatgpt/export-2026-01",
	"claude/conversations.json",
	"claude/export",
}

// fixtureBytes reads a fixture: a file, or a directory zipped (entries in
// name order, so the zip is the same every time).
func fixtureBytes(t testing.TB, rel string) ([]byte, string) {
	t.Helper()
	p := filepath.Join("testdata", rel)
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsDir() {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b, filepath.Base(p)
	}
	var names []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(p, path)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(p, filepath.FromSlash(n)))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), filepath.Base(p) + ".zip"
}

func goldenName(rel, suffix string) string {
	return filepath.Join("testdata", "golden", "import", strings.NewReplacer("/", "-", ".json", "").Replace(rel)+suffix+".txt")
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review the diff):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + a + "\n  got  " + b
		}
	}
	return ""
}

// TestImportFixturesGolden imports every fixture (with an attachment store,
// and the export zip without one too) and compares what came in, message
// by message, with the golden result.
func TestImportFixturesGolden(t *testing.T) {
	for _, rel := range importFixtures {
		for _, withStore := range []bool{true, false} {
			if !withStore && !strings.HasSuffix(rel, "export-2026-01") {
				continue
			}
			suffix := ""
			if !withStore {
				suffix = "-no-attachment-store"
			}
			t.Run(rel+suffix, func(t *testing.T) {
				data, name := fixtureBytes(t, rel)
				opts := ImportOptions{}
				var atts *fakeAttachments
				if withStore {
					atts = newFakeAttachments()
					opts.Attachments = atts
				}
				res, st, err := importBytes(t, data, name, opts)
				if err != nil {
					t.Fatal(err)
				}
				got := renderImport(t, res, st)
				if atts != nil {
					got += "\nattachments stored:\n"
					for _, id := range sortedKeys(atts.data) {
						got += "  " + id[:15] + "… " + atts.names[id] + " " + strconv.Itoa(len(atts.data[id])) + " bytes\n"
					}
				}
				checkGolden(t, goldenName(rel, suffix), got)
			})
		}
	}
}
