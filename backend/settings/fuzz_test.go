package settings

import (
	"os"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must not panic, and
// whatever it accepts must survive Encode and Decode unchanged.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"testdata/v0.json", "testdata/unknown.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version": 1}`))
	f.Add([]byte(`{"version": 1, "providers": [{"id": "x", "extra_body": {"a": 1}}], "z": null}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"provider": null, "theme": 3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := Decode(data)
		if err != nil {
			return
		}
		enc, err := Encode(s)
		if err != nil {
			t.Fatalf("decoded settings do not encode: %v", err)
		}
		s2, _, err := Decode(enc)
		if err != nil {
			t.Fatalf("encoded settings do not decode: %v\n%s", err, enc)
		}
		if s.Version < CurrentVersion {
			s.Version = CurrentVersion
		}
		if !reflect.DeepEqual(normalize(s), normalize(s2)) {
			t.Fatalf("round trip changed the settings:\n%+v\n%+v", s, s2)
		}
	})
}

// normalize maps empty and nil collections to nil, which JSON cannot tell apart.
func normalize(s Settings) Settings {
	s = s.Clone()
	if len(s.Extra) == 0 {
		s.Extra = nil
	}
	for i := range s.Providers {
		p := &s.Providers[i]
		if len(p.Headers) == 0 {
			p.Headers = nil
		}
		if len(p.ExtraBody) == 0 {
			p.ExtraBody = nil
		}
		if len(p.Models) == 0 {
			p.Models = nil
		}
		if len(p.Extra) == 0 {
			p.Extra = nil
		}
	}
	if len(s.Defaults.Extra) == 0 {
		s.Defaults.Extra = nil
	}
	if len(s.Appearance.Extra) == 0 {
		s.Appearance.Extra = nil
	}
	return s
}
