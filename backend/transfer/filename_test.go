package transfer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFileName(t *testing.T) {
	id := fid(7)
	long := strings.Repeat("é", 80) // 160 bytes
	for _, tc := range []struct{ title, want string }{
		{"Trip to Paris", "Trip to Paris.md"},
		{"a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j.md"},
		{"../../etc/passwd", "_.._etc_passwd.md"},
		{"..", id + ".md"},
		{"  . hidden. . ", "hidden.md"},
		{"CON", "_CON.md"},
		{"con.txt", "_con.txt.md"},
		{"Com1", "_Com1.md"},
		{"LPT9 ", "_LPT9.md"},
		{"COM¹", "_COM¹.md"},
		{"CONSOLE", "CONSOLE.md"},
		{"line\nbreak\ttab\x00nul", "line break tab nul.md"},
		{"evil\u202Egnp.exe", "evilgnp.exe.md"},
		{"family 👩‍👩‍👧", "family 👩‍👩‍👧.md"},
		{"مرحبا بالعالم", "مرحبا بالعالم.md"},
		{"", id + ".md"},
		{"???", "___.md"},
		{"\x01\x02", id + ".md"},
		{"bad \xff utf8", "bad _ utf8.md"},
		{long, strings.Repeat("é", 50) + ".md"},
	} {
		got := FileName(tc.title, id, FormatMarkdown)
		if got != tc.want {
			t.Errorf("FileName(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
	if got := FileName("", "../not-an-id", FormatHTML); got != "conversation.html" {
		t.Errorf("fallback for a bad id = %q", got)
	}
}

func TestFileNameIsAlwaysSafe(t *testing.T) {
	for _, title := range []string{strings.Repeat("a", 500), strings.Repeat("😀", 60) + "x", strings.Repeat(". ", 80), "a" + strings.Repeat(" ", 200) + "b"} {
		got := FileName(title, fid(1), FormatText)
		stem := strings.TrimSuffix(got, ".txt")
		if len(stem) > MaxNameBytes || !utf8.ValidString(got) || strings.ContainsAny(got, `/\`) ||
			strings.HasSuffix(stem, ".") || strings.HasSuffix(stem, " ") || stem == "" {
			t.Errorf("FileName(%.20q…) = %q is not safe", title, got)
		}
	}
}

func TestUniqueNamesIgnoreCase(t *testing.T) {
	u := newUniqueNames("index.md")
	got := []string{u.take("Index.md", ".md"), u.take("a.md", ".md"), u.take("A.md", ".md"), u.take("a (2).md", ".md")}
	want := []string{"Index (2).md", "a.md", "A (2).md", "a (2) (2).md"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("take #%d = %q, want %q", i, got[i], want[i])
		}
	}
}
