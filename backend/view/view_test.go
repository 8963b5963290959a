package view

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"murmur/backend/chat"
	"murmur/backend/llm"
	"murmur/backend/providers"
	"murmur/backend/settings"
	"murmur/backend/store"
)

func ptr[T any](v T) *T { return &v }

// Every type that crosses the wire names its members in camelCase.
func TestEveryWireTypeIsCamelCase(t *testing.T) {
	full := func(v any) any {
		// Fill every field so that omitempty hides nothing.
		rv := reflect.New(reflect.TypeOf(v)).Elem()
		fill(rv, 0)
		return rv.Interface()
	}
	for _, v := range []any{
		Error{}, FieldError{}, Summary{}, Hit{}, ConversationPage{}, SearchPage{}, Params{}, Usage{}, Timing{},
		ErrorInfo{}, Message{}, Conversation{}, ConversationOptions{}, Started{}, StreamEvent{}, Snapshot{},
		Settings{}, Provider{}, Defaults{}, Appearance{}, LoadReport{}, Preset{}, KeyStatus{}, SettingsView{},
		Credits{}, RateWindow{}, RateLimits{}, AppInfo{}, ExportResult{}, ImportedItem{}, ImportSkip{}, ImportResult{},
		Attachment{}, AttachmentData{}, AttachmentsDropped{},
	} {
		b, err := json.Marshal(full(v))
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		var m any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, fmt.Sprintf("%T", v), m)
	}
}

func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth)
	case reflect.Slice:
		if depth < 2 {
			s := reflect.MakeSlice(v.Type(), 1, 1)
			fill(s.Index(0), depth+1)
			v.Set(s)
		}
	case reflect.Map:
		if depth < 2 {
			m := reflect.MakeMap(v.Type())
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, depth+1)
			m.SetMapIndex(reflect.ValueOf("provider-id").Convert(v.Type().Key()), e)
			v.Set(m)
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Uint64:
		if v.CanInt() {
			v.SetInt(1)
		} else {
			v.SetUint(1)
		}
	case reflect.Float64:
		v.SetFloat(1)
	}
}

func checkKeys(t *testing.T, where string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k != "provider-id" && (strings.ContainsAny(k, "_-") || unicode.IsUpper(rune(k[0]))) {
				t.Errorf("%s: member %q is not camelCase", where, k)
			}
			checkKeys(t, where+"."+k, e)
		}
	case []any:
		for _, e := range x {
			checkKeys(t, where, e)
		}
	}
}

func TestViewPath(t *testing.T) {
	for in, want := range map[string]string{
		"defaults.provider_id":                  "defaults.providerId",
		"defaults.top_p":                        "defaults.params.topP",
		"defaults.max_loops":                    "defaults.params.maxLoops",
		"defaults.history_limit":                "defaults.historyLimit",
		"providers[1].base_url":                 "providers[1].baseUrl",
		"providers[0].headers.X-Api_Key":        "providers[0].headers.X-Api_Key",
		"providers[2].extra_body.my_field":      "providers[2].extraBody.my_field",
		"appearance.font_size":                  "appearance.fontSize",
		"version":                               "version",
		"providers[3].models[2]":                "providers[3].models[2]",
		"providers[0].supports_max_loops.extra": "providers[0].supportsMaxLoops.extra",
	} {
		if got := viewPath(in); got != want {
			t.Errorf("viewPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSettingsViewRoundTripKeepsWhatTheViewDoesNotCarry(t *testing.T) {
	base := settings.Default()
	or := settings.NewProvider(settings.PresetOpenRouter)
	or.Headers = map[string]string{"X-Title": "Murmur"}
	or.ExtraBody = map[string]json.RawMessage{"provider": json.RawMessage(`{"sort":"price"}`)}
	or.Models = []string{"a", "b"}
	or.ModelsFetchedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	or.Extra = map[string]json.RawMessage{"x_future": json.RawMessage(`1`)}
	base.Providers = append(base.Providers, or)
	base.Defaults.Temperature = ptr(0.5)
	base.Extra = map[string]json.RawMessage{"x_top": json.RawMessage(`true`)}
	base.Defaults.Extra = map[string]json.RawMessage{"x_def": json.RawMessage(`2`)}

	got := SettingsOf(base).Apply(base)
	a, _ := json.Marshal(base)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Fatalf("round trip changed the settings:\n%s\n%s", a, b)
	}

	// The view changes what it says; a provider that moved loses its cached models.
	v := SettingsOf(base)
	v.Providers[1].BaseURL = "https://elsewhere.example/v1"
	v.Defaults.Params.TopP = ptr(0.9)
	v.Appearance.FontSize = 18
	got = v.Apply(base)
	if got.Providers[1].BaseURL != "https://elsewhere.example/v1" || got.Providers[1].Models != nil ||
		*got.Defaults.TopP != 0.9 || got.Appearance.FontSize != 18 || string(got.Providers[1].Extra["x_future"]) != "1" {
		t.Fatalf("applied %+v", got)
	}
	// The view cannot set the model cache.
	v = SettingsOf(base)
	v.Providers[1].Models = []string{"injected"}
	if got := v.Apply(base); strings.Join(got.Providers[1].Models, ",") != "a,b" {
		t.Fatalf("models from the view: %v", got.Providers[1].Models)
	}
}

func TestFromError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		kind ErrorKind
		msg  string
	}{
		{fmt.Errorf("x: %w", store.ErrNotFound), KindNotFound, "Open conversation: x: not found"},
		{chat.ErrBusy, KindBusy, ""},
		{fmt.Errorf("save: %w", store.ErrDiskFull), KindStorage, ""},
		{&providers.Error{Kind: providers.KindNoKey, Message: "There is no API key for X yet."}, KindAuth, "There is no API key for X yet."},
		{&providers.Error{Kind: providers.KindNoModel, Message: "No model."}, KindConfig, "No model."},
		{&providers.Error{Kind: providers.KindUnknown, Message: `there is no provider "g"`}, KindInvalid, `There is no provider "g".`},
		{&llm.Error{Kind: llm.KindRateLimit, Message: "slow down", Status: 429, Retryable: true}, KindRateLimit, ""},
		{&settings.ValidationError{Problems: []settings.FieldError{{Path: "defaults.top_p", Message: "top_p must be…"}}},
			KindInvalid, "Some settings need fixing: top_p must be…"},
		{errors.New("boom"), KindError, "Open conversation: boom"},
	} {
		var e *Error
		if !errors.As(FromError("open conversation", tc.err), &e) {
			t.Fatalf("%v: not an *Error", tc.err)
		}
		if e.Kind != tc.kind || (tc.msg != "" && e.Message != tc.msg) {
			t.Errorf("%v: kind %q message %q, want %q %q", tc.err, e.Kind, e.Message, tc.kind, tc.msg)
		}
		if e.Error() != e.Message {
			t.Errorf("Error() = %q, want the readable message", e.Error())
		}
	}
	ns := &chat.NotSentError{ConversationID: "c", MessageID: "m", Err: &providers.Error{Kind: providers.KindNoKey, Message: "no key"}}
	var e *Error
	errors.As(FromError("send", ns), &e)
	if e.Kind != KindAuth || e.ConversationID != "c" || e.MessageID != "m" {
		t.Fatalf("not-sent error %+v", e)
	}
	if FromError("x", nil) != nil {
		t.Fatal("nil error mapped to an error")
	}
}
