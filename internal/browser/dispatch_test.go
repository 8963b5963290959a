package browser

import (
	"context"
	"errors"
	"strings"
	"testing"

	"murmur/backend/view"
)

type facade struct{ calls []string }

type item struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

func (f *facade) Rename(id, title string) error {
	f.calls = append(f.calls, id+"="+title)
	if title == "" {
		return view.Invalid("title", "a title cannot be empty")
	}
	return nil
}
func (f *facade) Get(id string, n int) (item, error) { return item{ID: id, Count: n}, nil }
func (f *facade) Info() item                         { return item{ID: "info"} }
func (f *facade) Fail() error                        { return errors.New("disk on fire") }
func (f *facade) Boom() error                        { panic("nil map") }
func (f *facade) Items(in []item) ([]item, error)    { return in, nil }

func (f *facade) methods() Methods {
	return Methods{"Rename": f.Rename, "Get": f.Get, "Info": f.Info, "Fail": f.Fail, "Boom": f.Boom, "Items": f.Items, "NotAFunc": 3}
}

func TestDispatcherCallsMethodsByName(t *testing.T) {
	f := &facade{}
	d := NewDispatcher(f.methods())
	ctx := context.Background()
	for _, tc := range []struct {
		name, method, args, want, err string
	}{
		{"result", "Get", `["c1", 3]`, `{"id":"c1","count":3}`, ""},
		{"no error result", "Info", `[]`, `{"id":"info","count":0}`, ""},
		{"only an error", "Rename", `["c1","new"]`, `null`, ""},
		{"omitted trailing arguments are zero", "Get", `["c1"]`, `{"id":"c1","count":0}`, ""},
		{"no arguments at all", "Info", ``, `{"id":"info","count":0}`, ""},
		{"structs and slices", "Items", `[[{"id":"a","count":1}]]`, `[{"id":"a","count":1}]`, ""},
		{"facade error kept", "Rename", `["c1",""]`, "", "invalid: A title cannot be empty."},
		{"plain error wrapped", "Fail", `[]`, "", "error: disk on fire"},
		{"panic reported", "Boom", `[]`, "", "error: Murmur hit a bug in Boom (nil map)"},
		{"unknown method", "DeleteEverything", `[]`, "", `invalid: Murmur has no method "DeleteEverything".`},
		{"wrong type", "Get", `[1, "x"]`, "", "invalid: The call of Get did not arrive whole: argument 1"},
		{"too many arguments", "Get", `["a", 1, 2]`, "", "3 arguments given, 2 expected"},
		{"not an array", "Get", `{"id":"a"}`, "", "not a JSON array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := d.Call(ctx, tc.method, []byte(tc.args))
			if tc.err != "" {
				var ve *view.Error
				if !errors.As(err, &ve) {
					t.Fatalf("Call = %s, %v; want a *view.Error", out, err)
				}
				if got := string(ve.Kind) + ": " + ve.Message; !strings.Contains(got, tc.err) {
					t.Fatalf("error %q; want %q", got, tc.err)
				}
				return
			}
			if err != nil || string(out) != tc.want {
				t.Fatalf("Call = %s, %v; want %s", out, err, tc.want)
			}
		})
	}
	if strings.Join(f.calls, ",") != "c1=new,c1=" {
		t.Fatalf("calls %v", f.calls)
	}
}

func TestDispatcherRefusesHugeArguments(t *testing.T) {
	d := NewDispatcher((&facade{}).methods())
	big := `["` + strings.Repeat("a", maxArgsBytes) + `"]`
	if _, err := d.Call(context.Background(), "Info", []byte(big)); err == nil || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Fatalf("err %v", err)
	}
}

func TestDispatcherListsTheFacadesMethods(t *testing.T) {
	got := strings.Join(NewDispatcher((&facade{}).methods()).Names(), " ")
	if got != "Boom Fail Get Info Items Rename" {
		t.Fatalf("methods %q", got)
	}
}
