package winexe

import (
	"bytes"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"
)

const manifestXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly manifestVersion="1.0" xmlns="urn:schemas-microsoft-com:asm.v1" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3">
  <assemblyIdentity type="win32" name="world.swarms.murmur" version="1.2.3.0" processorArchitecture="*"/>
  <asmv3:application>
    <asmv3:windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
    </asmv3:windowsSettings>
  </asmv3:application>
</assembly>`

// buildExe cross-compiles a tiny Windows program, with the resources res
// (as `go build` embeds a .syso) when res is not nil.
func buildExe(t *testing.T, gui bool, res *winres.ResourceSet) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module tiny\n\ngo 1.26\n")
	write("main.go", "package main\n\nfunc main() { println(\"hello\") }\n")
	if res != nil {
		var syso bytes.Buffer
		if err := res.WriteObject(&syso, winres.ArchAMD64); err != nil {
			t.Fatal(err)
		}
		write("rsrc_windows_amd64.syso", syso.String())
	}
	exe := filepath.Join(dir, "tiny.exe")
	args := []string{"build", "-trimpath", "-o", exe}
	if gui {
		args = append(args, "-ldflags", "-H windowsgui")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cross-build a Windows program: %v\n%s", err, out)
	}
	return exe
}

// appResources are resources like murmur.exe's: the real app icon, a
// version resource and a manifest.
func appResources(t *testing.T) *winres.ResourceSet {
	t.Helper()
	f, err := os.Open("../../build/windows/icon.ico")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ico, err := winres.LoadICO(f)
	if err != nil {
		t.Fatal(err)
	}
	rs := &winres.ResourceSet{}
	if err := rs.SetIcon(winres.Name("APP"), ico); err != nil {
		t.Fatal(err)
	}
	m, err := winres.AppManifestFromXML([]byte(manifestXML))
	if err != nil {
		t.Fatal(err)
	}
	rs.SetManifest(m)
	var vi version.Info
	vi.SetFileVersion("1.2.3.4")
	vi.SetProductVersion("1.2.3-4-gabcdef0")
	for k, v := range map[string]string{
		version.ProductName: "Murmur", version.FileDescription: "Murmur",
		version.CompanyName: "Murmur", version.LegalCopyright: "Copyright © Murmur authors",
	} {
		if err := vi.Set(version.LangDefault, k, v); err != nil {
			t.Fatal(err)
		}
	}
	rs.SetVersionInfo(vi)
	return rs
}

func TestAppLikeExecutablePasses(t *testing.T) {
	exe, err := Inspect(buildExe(t, true, appResources(t)))
	if err != nil {
		t.Fatal(err)
	}
	want := Want{FileVersion: "1.2.3.4", ProductVersion: "1.2.3-4-gabcdef0", IconSizes: []int{16, 32, 48, 256}}
	if p := exe.Problems(want); len(p) != 0 {
		t.Fatalf("problems with a complete GUI executable:\n%s", strings.Join(p, "\n"))
	}
	if !slices.Equal(exe.IconSizes, []int{16, 32, 48, 64, 128, 256}) {
		t.Errorf("icon sizes = %v, want those of build/windows/icon.ico", exe.IconSizes)
	}
	if exe.ProductVersion != "1.2.3.0" || exe.Strings["ProductName"] != "Murmur" {
		t.Errorf("version resource read as product %s, strings %v", exe.ProductVersion, exe.Strings)
	}
	if !slices.Equal(exe.DLLs, []string{"kernel32.dll"}) {
		t.Errorf("DLLs = %v, want Go's one import, kernel32.dll", exe.DLLs)
	}

	// The same file against other expectations names each difference.
	p := strings.Join(exe.Problems(Want{FileVersion: "1.2.3.5", ProductVersion: "1.2.3", IconSizes: []int{512}}), "\n")
	for _, s := range []string{
		"file version is 1.2.3.4, want 1.2.3.5",
		`ProductVersion string is "1.2.3-4-gabcdef0", want "1.2.3"`,
		"the icon has no 512x512 image",
	} {
		if !strings.Contains(p, s) {
			t.Errorf("problems do not say %q:\n%s", s, p)
		}
	}
}

// An installer is 32-bit x86: right when asked for, wrong for the app.
func TestArchitecture(t *testing.T) {
	installer := &Exe{Machine: pe.IMAGE_FILE_MACHINE_I386, Subsystem: pe.IMAGE_SUBSYSTEM_WINDOWS_GUI}
	if p := strings.Join(installer.Problems(Want{Machine: pe.IMAGE_FILE_MACHINE_I386}), "\n"); strings.Contains(p, "machine") || strings.Contains(p, "PE32") {
		t.Errorf("a PE32 x86 installer is flagged for its architecture:\n%s", p)
	}
	p := strings.Join(installer.Problems(Want{}), "\n")
	for _, s := range []string{"machine is 0x14c, want 0x8664", "not a PE32+ (64-bit) image"} {
		if !strings.Contains(p, s) {
			t.Errorf("a 32-bit image checked as the app: problems do not say %q:\n%s", s, p)
		}
	}
}

func TestBareConsoleExecutableFails(t *testing.T) {
	exe, err := Inspect(buildExe(t, false, nil))
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Join(exe.Problems(Want{}), "\n")
	for _, s := range []string{"want the Windows GUI subsystem", "no icon", "no version resource", "no manifest"} {
		if !strings.Contains(p, s) {
			t.Errorf("problems do not say %q:\n%s", s, p)
		}
	}
	if strings.Contains(p, "PE32+") || strings.Contains(p, "machine") || strings.Contains(p, "imports") {
		t.Errorf("a 64-bit Go program is flagged for its architecture or imports:\n%s", p)
	}
}

func TestImportsOutsideWindows10AreNamed(t *testing.T) {
	exe := &Exe{Machine: 0x8664, PE32Plus: true, Subsystem: 2, DLLs: []string{"kernel32.dll", "libwinpthread-1.dll", "webview2loader.dll"}}
	p := strings.Join(exe.Problems(Want{}), "\n")
	for _, dll := range []string{"libwinpthread-1.dll", "webview2loader.dll"} {
		if !strings.Contains(p, "imports "+dll+", which Windows 10 does not ship") {
			t.Errorf("problems do not name %s:\n%s", dll, p)
		}
	}
	if strings.Contains(p, "kernel32") {
		t.Errorf("kernel32.dll is flagged:\n%s", p)
	}
}

func TestManifestChecks(t *testing.T) {
	for _, tt := range []struct{ manifest, want string }{
		{"<assembly", "not valid XML"},
		{`<assembly><assemblyIdentity name="x"/></assembly>`, "no assembly name and version"},
		{`<assembly><assemblyIdentity name="x" version="1.0.0.0"/></assembly>`, "DPI awareness"},
	} {
		err := checkManifest([]byte(tt.manifest))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("checkManifest(%q) = %v, want %q", tt.manifest, err, tt.want)
		}
	}
	if err := checkManifest([]byte(manifestXML)); err != nil {
		t.Errorf("the app's manifest is refused: %v", err)
	}
}

func TestNotAnExecutable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "murmur.exe")
	if err := os.WriteFile(path, []byte("<html>404 not found</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Inspect(path)
	if err == nil || !strings.Contains(err.Error(), "as a Windows executable") {
		t.Fatalf("Inspect(an HTML page) = %v, want an error saying it is not a Windows executable", err)
	}
}

// A damaged version resource is an error, never a panic or a wrong answer
// read past its end.
func TestCutVersionResource(t *testing.T) {
	var vi version.Info
	vi.SetFileVersion("1.2.3.4")
	vi.SetProductVersion("1.2.3")
	full := vi.Bytes()
	var whole Exe
	if err := whole.readVersion(full); err != nil || whole.FileVersion != "1.2.3.4" {
		t.Fatalf("the whole resource: %v, file version %q", err, whole.FileVersion)
	}
	for n := range len(full) {
		var exe Exe
		if err := exe.readVersion(full[:n]); err == nil {
			t.Errorf("a version resource cut to %d of %d bytes reads without error", n, len(full))
		}
	}
}
