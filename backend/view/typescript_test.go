package view

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite frontend/src/lib/wire.gen.ts")

// The payloads the UI receives outside a method's result (errors, stream
// events) are not in the bindings Wails generates; this test writes their
// TypeScript declarations from the Go types and fails when the committed
// file differs, so the two languages cannot drift.
func TestWireTypeScriptIsCurrent(t *testing.T) {
	var b strings.Builder
	b.WriteString("// Generated from backend/view by `go test ./backend/view -run TestWireTypeScript -update`. DO NOT EDIT.\n")
	b.WriteString("// The wire types the bindings do not declare: the error every call rejects with, and stream events.\n")
	b.WriteString("import type { view } from '../../wailsjs/go/models';\n\n")
	for _, tc := range []struct {
		name string
		v    any
	}{{"UIError", Error{}}, {"StreamEvent", StreamEvent{}}, {"AttachmentsDropped", AttachmentsDropped{}}, {"Elsewhere", Elsewhere{}}} {
		tsInterface(&b, tc.name, reflect.TypeOf(tc.v))
	}
	fmt.Fprintf(&b, "/** The event that names conversations whose list entry changed (payload: their ids). */\n")
	fmt.Fprintf(&b, "export const ConversationsChangedEvent = %q;\n", ConversationsChangedEvent)
	fmt.Fprintf(&b, "/** The event that hands the page files dropped on the desktop window (payload: AttachmentsDropped). */\n")
	fmt.Fprintf(&b, "export const AttachmentsDroppedEvent = %q;\n", AttachmentsDroppedEvent)
	fmt.Fprintf(&b, "/** The event that tells a browser tab another tab took Murmur's storage over (payload: Elsewhere). */\n")
	fmt.Fprintf(&b, "export const ElsewhereEvent = %q;\n", ElsewhereEvent)
	path := filepath.Join("..", "..", "frontend", "src", "lib", "wire.gen.ts")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != b.String() {
		t.Fatalf("%s is not current (err %v): run go test ./backend/view -run TestWireTypeScript -update", path, err)
	}
}

func tsInterface(b *strings.Builder, name string, t reflect.Type) {
	fmt.Fprintf(b, "export interface %s {\n", name)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		optional := strings.Contains(opts, "omitempty") || f.Type.Kind() == reflect.Pointer
		mark := ""
		if optional {
			mark = "?"
		}
		fmt.Fprintf(b, "  %s%s: %s;\n", tag, mark, tsType(f.Type))
	}
	b.WriteString("}\n\n")
}

func tsType(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Pointer:
		return tsType(t.Elem())
	case t.PkgPath() == reflect.TypeOf(Error{}).PkgPath() && t.Name() != "":
		return "view." + t.Name()
	case t.Kind() == reflect.Slice:
		return "Array<" + tsType(t.Elem()) + ">"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		return "number"
	}
	panic("no TypeScript type for " + t.String())
}
