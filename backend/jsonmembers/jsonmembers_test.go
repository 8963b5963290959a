package jsonmembers

import (
	"encoding/json"
	"testing"
)

type doc struct {
	Name   string `json:"name"`
	Count  int    `json:"count,omitempty"`
	Hidden string `json:"-"`
	Plain  bool
	secret string
}

func TestUnknownThenMarshalRoundTrips(t *testing.T) {
	in := []byte(`{"name":"a","future": { "x" : [1, 2] },"Plain":true,"Hidden":"h","zeta":"z"}`)
	var d doc
	if err := json.Unmarshal(in, &d); err != nil {
		t.Fatal(err)
	}
	extra, err := Unknown(in, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) != 3 || string(extra["future"]) != `{"x":[1,2]}` || string(extra["Hidden"]) != `"h"` {
		t.Fatalf("unknown members %v", extra)
	}
	d.Name = "b"
	out, err := Marshal(d, extra)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"b","Plain":true,"Hidden":"h","future":{"x":[1,2]},"zeta":"z"}`
	if string(out) != want {
		t.Fatalf("Marshal = %s\nwant      %s", out, want)
	}
}

func TestMarshalNeverLetsExtraOverrideDeclaredMembers(t *testing.T) {
	out, err := Marshal(doc{Name: "real"}, map[string]json.RawMessage{"name": json.RawMessage(`"forged"`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"name":"real","Plain":false}` {
		t.Fatalf("Marshal = %s", out)
	}
}

func TestMarshalRejectsInvalidExtra(t *testing.T) {
	if _, err := Marshal(doc{}, map[string]json.RawMessage{"bad": json.RawMessage(`{`)}); err == nil {
		t.Fatal("invalid JSON in an unknown member was written")
	}
}

func TestUnknownRejectsNonObjects(t *testing.T) {
	for _, in := range []string{`[]`, `"x"`, `{`} {
		if _, err := Unknown([]byte(in), doc{}); err == nil {
			t.Errorf("Unknown(%s) accepted a non-object", in)
		}
	}
}
