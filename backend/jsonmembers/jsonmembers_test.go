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

type inner struct {
	Depth int `json:"depth,omitempty"`
}

type outer struct {
	inner
	Name  string `json:"name"`
	Named inner  `json:"named"`
}

func TestEmbeddedStructMembersAreDeclared(t *testing.T) {
	in := []byte(`{"name":"a","depth":3,"named":{"depth":1},"future":1}`)
	var o outer
	if err := json.Unmarshal(in, &o); err != nil {
		t.Fatal(err)
	}
	extra, err := Unknown(in, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) != 1 || string(extra["future"]) != "1" {
		t.Fatalf("unknown members %v, want only future (depth is an embedded member)", extra)
	}
	out, err := Marshal(o, extra)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"depth":3,"name":"a","named":{"depth":1},"future":1}`; string(out) != want {
		t.Fatalf("Marshal = %s\nwant      %s", out, want)
	}
}
