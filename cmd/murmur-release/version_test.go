package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestVersionForms(t *testing.T) {
	tests := []struct {
		describe string
		commits  int
		file     string
		deb      string
		numeric  string
		windows  string
	}{
		{"v1.2.3", 0, "1.2.3", "1.2.3", "1.2.3", "1.2.3.0"},
		{"1.2.3", 0, "1.2.3", "1.2.3", "1.2.3", "1.2.3.0"},
		{"v1.2.3-dirty", 0, "1.2.3-dirty", "1.2.3+0.dirty", "1.2.3", "1.2.3.0"},
		{"v0.4.0-12-g5c6fa6e", 0, "0.4.0-12-g5c6fa6e", "0.4.0+12.g5c6fa6e", "0.4.0", "0.4.0.12"},
		{"v0.4.0-12-g5c6fa6e-dirty", 0, "0.4.0-12-g5c6fa6e-dirty", "0.4.0+12.g5c6fa6e.dirty", "0.4.0", "0.4.0.12"},
		{"v2.0.0-rc.1", 0, "2.0.0-rc.1", "2.0.0~rc.1", "2.0.0", "2.0.0.0"},
		{"v2.0.0-rc.1-3-gabcdef0", 0, "2.0.0-rc.1-3-gabcdef0", "2.0.0~rc.1+3.gabcdef0", "2.0.0", "2.0.0.3"},
		// No tag yet: git describe --always prints the commit alone.
		{"5c6fa6e", 21, "0.0.0-21-g5c6fa6e", "0.0.0+21.g5c6fa6e", "0.0.0", "0.0.0.21"},
		{"5c6fa6e-dirty", 21, "0.0.0-21-g5c6fa6e-dirty", "0.0.0+21.g5c6fa6e.dirty", "0.0.0", "0.0.0.21"},
	}
	for _, tt := range tests {
		t.Run(tt.describe, func(t *testing.T) {
			r, err := parseVersion(tt.describe, tt.commits)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct{ name, want string }{
				{"file", tt.file}, {"deb", tt.deb}, {"numeric", tt.numeric}, {"windows", tt.windows},
			} {
				got, err := r.format(f.name)
				if err != nil {
					t.Fatal(err)
				}
				if got != f.want {
					t.Errorf("%s = %q, want %q", f.name, got, f.want)
				}
			}
		})
	}
}

func TestVersionRefusesWhatPackagesCannotCarry(t *testing.T) {
	tests := []struct{ describe, wantErr string }{
		{"dev", "want a tag such as v1.2.3"},
		{"", "want a tag such as v1.2.3"},
		{"v1.2", "want a tag such as v1.2.3"},
		{"v1.2.3 ; rm -rf /", "want a tag such as v1.2.3"},
		{"v1.2.3-rc-1", "want a tag such as v1.2.3"},
		{"v70000.0.0", "does not fit a Windows version field"},
		{"v1.0.0-70000-gabcdef0", "does not fit a Windows version field"},
	}
	for _, tt := range tests {
		_, err := parseVersion(tt.describe, 0)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("parseVersion(%q) = %v, want an error containing %q", tt.describe, err, tt.wantErr)
		}
	}
	r, err := parseVersion("v1.0.0", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.format("rpm"); err == nil || !strings.Contains(err.Error(), "want file, deb, numeric or windows") {
		t.Errorf("format(rpm) = %v, want an error naming the known formats", err)
	}
}

// Debian must sort the builds in the order they were made; dpkg is the judge.
func TestDebVersionsSortInBuildOrder(t *testing.T) {
	dpkg, err := exec.LookPath("dpkg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dpkg is missing on CI: Debian's version ordering cannot be checked")
		}
		t.Skip("dpkg is not installed: Debian's version ordering is checked where it is (CI)")
	}
	order := []string{"5c6fa6e", "v0.1.0-rc.1", "v0.1.0-rc.1-2-gabcdef0", "v0.1.0", "v0.1.0-dirty", "v0.1.0-1-gabcdef0", "v0.1.0-1-gabcdef0-dirty", "v0.1.0-2-g0123456", "v0.1.1"}
	for i := 1; i < len(order); i++ {
		lo, err := parseVersion(order[i-1], 40)
		if err != nil {
			t.Fatal(err)
		}
		hi, err := parseVersion(order[i], 40)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(dpkg, "--compare-versions", lo.deb(), "lt", hi.deb()).CombinedOutput(); err != nil {
			t.Errorf("dpkg says %s (from %s) is not older than %s (from %s): %v %s", lo.deb(), order[i-1], hi.deb(), order[i], err, out)
		}
	}
}
