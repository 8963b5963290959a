// Package jsonmembers keeps the members of a JSON object that a Go struct
// does not declare, so that documents written by a newer Murmur (or by hand)
// survive a read-modify-write by an older one. The conversation document and
// the settings file both use it.
package jsonmembers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Unknown returns the members of the JSON object b that the struct type of
// known (a struct or a pointer to one) does not declare, with insignificant
// white space removed so that values read from an indented file compare
// equal to those saved. It returns nil when there are none.
func Unknown(b []byte, known any) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	names := Names(known)
	var extra map[string]json.RawMessage
	for k, v := range all {
		if names[k] {
			continue
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[k] = Compact(v)
	}
	return extra, nil
}

// Marshal marshals the struct v, then adds the members of extra that v does
// not declare, in sorted order.
func Marshal(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return b, nil
	}
	names := Names(v)
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !names[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Grow(len(b) + 64*len(keys))
	buf.Write(b[:len(b)-1])
	for _, k := range keys {
		if !json.Valid(extra[k]) {
			return nil, fmt.Errorf("the unknown member %q holds invalid JSON", k)
		}
		name, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(extra[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Names returns the JSON member names the struct type of v declares,
// those of embedded structs included (encoding/json writes their fields
// inline).
func Names(v any) map[string]bool {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := make(map[string]bool, t.NumField())
	addNames(t, names)
	return names
}

func addNames(t reflect.Type, names map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addNames(ft, names)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = true
	}
}

// Compact returns v without insignificant white space (v itself when it is
// not valid JSON).
func Compact(v json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return v
	}
	return buf.Bytes()
}
