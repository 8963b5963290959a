//go:build !js && !windows

package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNativePathsFollowXDGAndHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	t.Setenv("XDG_CONFIG_HOME", "relative/config") // ignored: relative
	t.Setenv("XDG_STATE_HOME", "")
	p, err := NativePaths()
	if err != nil {
		t.Fatal(err)
	}
	if p.Data != "/xdg/data/murmur" {
		t.Errorf("data %q", p.Data)
	}
	if !strings.HasPrefix(p.Config, home) || !strings.HasSuffix(p.Config, "murmur") {
		t.Errorf("config %q does not follow HOME", p.Config)
	}
	if !strings.HasPrefix(p.State, home) {
		t.Errorf("state %q does not follow HOME", p.State)
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Errorf("finding the paths created %d entries in HOME", len(entries))
	}
}

// With a relative or missing HOME nothing may be written anywhere, the log
// included (it used to land in ./murmur/murmur.log).
func TestNativePathsRefuseARelativeHome(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	for _, home := range []string{"relhome", ""} {
		t.Setenv("HOME", home)
		for _, v := range []string{"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"} {
			t.Setenv(v, "")
		}
		_, err := NativePaths()
		if err == nil || !strings.Contains(err.Error(), "HOME") || strings.Count(err.Error(), "find the") != 1 {
			t.Fatalf("HOME=%q: %v, want one readable error about HOME", home, err)
		}
	}
	if entries, _ := os.ReadDir(wd); len(entries) != 0 {
		t.Fatalf("%d entries written into the working directory", len(entries))
	}
}

func TestOpenLogCreatesAPrivateFile(t *testing.T) {
	p := Paths{State: filepath.Join(t.TempDir(), "state", "murmur")}
	log, closeLog, err := OpenLog(p)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello")
	closeLog()
	fi, err := os.Stat(filepath.Join(p.State, "murmur.log"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("log file: %v, mode %v", err, fi.Mode())
	}
}
