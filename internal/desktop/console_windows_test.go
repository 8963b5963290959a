package desktop

import (
	"os"
	"path/filepath"
	"testing"
)

// Built by `GOOS=windows go test -c` on Linux; runs on Windows.

func TestConnected(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !connected(f) {
		t.Error("a file a shell redirected output to counts as unconnected: it would be replaced by the console")
	}
	if connected(nil) {
		t.Error("a missing stream counts as connected: the CLI would print nowhere")
	}
	if connected(os.NewFile(0, "none")) {
		t.Error("handle 0 counts as connected")
	}
}

func TestReconnectKeepsRedirectedStreams(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kept := f
	reconnect(&kept, 0, "CONOUT$")
	if kept != f {
		t.Error("reconnect replaced a redirected stream")
	}
}
