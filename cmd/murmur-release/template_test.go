package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wailsTemplate finds one of the templates in the pinned Wails module.
func wailsTemplate(t *testing.T, rel string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/wailsapp/wails/v2").Output()
	if err != nil {
		t.Fatalf("find the Wails module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "pkg", "buildassets", "build", rel)
}

func renderFile(t *testing.T, path, version string) string {
	t.Helper()
	p, err := loadProject("../../wails.json", version)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := render(filepath.Base(path), text, p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The repo's own templates and the NSIS tools file of the pinned Wails
// render with no placeholder left and the build's version in place.
func TestRenderTheProjectTemplates(t *testing.T) {
	tests := []struct{ path, want string }{
		{"../../build/windows/info.json", `"file_version": "1.4.2"`},
		{"../../build/windows/wails.exe.manifest", `version="1.4.2.0"`},
		{"../../build/darwin/Info.plist", "<string>1.4.2</string>"},
		{wailsTemplate(t, "windows/installer/wails_tools.nsh"), `!define INFO_PRODUCTVERSION "1.4.2"`},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			got := renderFile(t, tt.path, "1.4.2")
			if strings.Contains(got, "{{") {
				t.Errorf("a placeholder is left:\n%s", got)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("the rendering lacks %q:\n%s", tt.want, got)
			}
			if !strings.Contains(got, "Murmur") && !strings.Contains(got, "murmur") {
				t.Errorf("the rendering does not name the app:\n%s", got)
			}
		})
	}
}

func TestRenderRefusesWhatWailsWouldNotFill(t *testing.T) {
	p, err := loadProject("../../wails.json", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := render("x", []byte("{{.Info.Version}}"), p); err == nil || !strings.Contains(err.Error(), "render the template x") {
		t.Errorf("a field the project lacks rendered: %v", err)
	}
	if _, err := render("x", []byte("{{.Info"), p); err == nil || !strings.Contains(err.Error(), "parse the template x") {
		t.Errorf("a broken template parsed: %v", err)
	}
	for _, v := range []string{"", "1.0", "v1.0.0", "1.0.0.1", "1.0.0-rc.1"} {
		if _, err := loadProject("../../wails.json", v); err == nil || !strings.Contains(err.Error(), "want MAJOR.MINOR.PATCH") {
			t.Errorf("product version %q accepted: %v", v, err)
		}
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "wails.json")
	if err := os.WriteFile(empty, []byte(`{"name": "Murmur", "info": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = loadProject(empty, "1.0.0")
	if err == nil || !strings.Contains(err.Error(), "info.companyName is empty") || !strings.Contains(err.Error(), "outputfilename is empty") {
		t.Errorf("a project without its info = %v, want each empty field named", err)
	}
	if _, err := loadProject(filepath.Join(dir, "missing.json"), "1.0.0"); err == nil || !strings.Contains(err.Error(), "read the Wails project") {
		t.Errorf("a missing project = %v", err)
	}
}
