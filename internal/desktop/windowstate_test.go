package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveThenLoadRemembersGeometry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "window.json")
	want := windowState{X: 40, Y: 60, Width: 1300, Height: 900, HasPosition: true}
	if err := saveWindow(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := loadWindow(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("loadWindow() = %+v, want %+v", got, want)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		t.Errorf("state file mode %v is readable by others", info.Mode().Perm())
	}
}

func TestLoadFallsBackToDefault(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, wantErr string
	}{
		{"missing", "", ""},
		{"corrupt", "{not json", "not valid JSON"},
		{"tiny", `{"width":10,"height":10}`, "unusable geometry"},
		{"huge", `{"width":99999,"height":800}`, "unusable geometry"},
		{"far away", `{"x":-900000,"width":800,"height":600}`, "unusable geometry"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".json")
			if tc.content != "" {
				if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := loadWindow(path)
			if got != defaultWindow() {
				t.Errorf("loadWindow() = %+v, want the default", got)
			}
			if tc.wantErr == "" && err != nil {
				t.Errorf("unexpected error %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestSaveRefusesInvalidAndKeepsOld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "window.json")
	good := windowState{Width: 800, Height: 600}
	if err := saveWindow(path, good); err != nil {
		t.Fatal(err)
	}
	if err := saveWindow(path, windowState{Width: 1, Height: 1}); err == nil {
		t.Fatal("an unusable geometry was saved")
	}
	got, err := loadWindow(path)
	if err != nil || got != good {
		t.Fatalf("loadWindow() = %+v, %v; want the earlier state", got, err)
	}
}
