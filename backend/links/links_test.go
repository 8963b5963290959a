package links

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct{ in, shown, err string }{
		{"https://example.com/a?b=c#d", "https://example.com/a?b=c#d", ""},
		{"HTTP://Example.com", "http://example.com", ""},
		{"mailto:someone@example.com", "mailto:someone@example.com", ""},
		{"https://bücher.example/", "https://xn--bcher-kva.example/", ""},
		{"https://аpple.com/", "https://xn--pple-43d.com/", ""},
		{"javascript:alert(1)", "", "only https, http and mailto"},
		{"smb://host/share", "", "only https, http and mailto"},
		{"ms-msdt:/id", "", "only https, http and mailto"},
		{"file:///etc/passwd", "", "only https, http and mailto"},
		{"calculator://", "", "only https, http and mailto"},
		{"https://user:pw@example.com", "", "user name or password"},
		{"https:///nohost", "", "no host"},
		{"https://[::1]:8080/x", "https://[::1]:8080/x", ""},
		{"https://127.0.0.1/x", "https://127.0.0.1/x", ""},
		{"mailto:a@example.com?subject=hi&body=there", "mailto:a@example.com?subject=hi&body=there", ""},
		{"mailto:a@example.com?attach=/etc/passwd", "", "only to, cc, bcc, subject and body"},
		{"https://example.com/\u202Egnp.exe", "", "invisible characters"},
		{"https://exa\u200Bmple.com/", "", "invisible characters"},
		{strings.Repeat("a", 9000), "", "too long"},
	} {
		shown, err := Check(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Check(%q) = %q, %v; want an error about %q", tc.in, shown, err, tc.err)
			}
			continue
		}
		if err != nil || shown != tc.shown {
			t.Errorf("Check(%q) = %q, %v; want %q", tc.in, shown, err, tc.shown)
		}
	}
}
