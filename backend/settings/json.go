package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// The JSON methods keep members this version does not know in Extra and
// write them back. Decoding starts from the receiver's current value, so a
// member missing from the file keeps the value the caller put there first
// (Load starts from the defaults).

type (
	settingsJSON   Settings
	providerJSON   Provider
	defaultsJSON   Defaults
	appearanceJSON Appearance
)

// UnmarshalJSON reads settings and keeps unknown members.
func (s *Settings) UnmarshalJSON(b []byte) error {
	known := settingsJSON(*s)
	known.Providers = nil
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := unknownMembers(b, known)
	if err != nil {
		return err
	}
	*s = Settings(known)
	s.Extra = extra
	return nil
}

// MarshalJSON writes settings with their unknown members.
func (s Settings) MarshalJSON() ([]byte, error) {
	if s.Providers == nil {
		s.Providers = []Provider{}
	}
	return marshalWithExtra(settingsJSON(s), s.Extra)
}

// UnmarshalJSON reads a provider and keeps unknown members.
func (p *Provider) UnmarshalJSON(b []byte) error {
	var known providerJSON
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := unknownMembers(b, known)
	if err != nil {
		return err
	}
	*p = Provider(known)
	for k, v := range p.ExtraBody {
		p.ExtraBody[k] = compact(v)
	}
	p.Extra = extra
	return nil
}

// MarshalJSON writes a provider with its unknown members.
func (p Provider) MarshalJSON() ([]byte, error) {
	return marshalWithExtra(providerJSON(p), p.Extra)
}

// UnmarshalJSON reads defaults and keeps unknown members.
func (d *Defaults) UnmarshalJSON(b []byte) error {
	known := defaultsJSON(*d)
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := unknownMembers(b, known)
	if err != nil {
		return err
	}
	*d = Defaults(known)
	d.Extra = extra
	return nil
}

// MarshalJSON writes defaults with their unknown members.
func (d Defaults) MarshalJSON() ([]byte, error) {
	return marshalWithExtra(defaultsJSON(d), d.Extra)
}

// UnmarshalJSON reads the appearance and keeps unknown members.
func (a *Appearance) UnmarshalJSON(b []byte) error {
	known := appearanceJSON(*a)
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := unknownMembers(b, known)
	if err != nil {
		return err
	}
	*a = Appearance(known)
	a.Extra = extra
	return nil
}

// MarshalJSON writes the appearance with its unknown members.
func (a Appearance) MarshalJSON() ([]byte, error) {
	return marshalWithExtra(appearanceJSON(a), a.Extra)
}

// unknownMembers returns the members of the object b that the struct known
// does not declare.
func unknownMembers(b []byte, known any) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	names := memberNames(reflect.TypeOf(known))
	var extra map[string]json.RawMessage
	for k, v := range all {
		if names[k] {
			continue
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[k] = compact(v)
	}
	return extra, nil
}

// compact returns v without insignificant white space, so that values read
// from an indented file compare equal to the values that were saved.
func compact(v json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return v
	}
	return buf.Bytes()
}

// marshalWithExtra marshals v, then appends the extra members it does not
// write itself, in sorted order.
func marshalWithExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return b, nil
	}
	names := memberNames(reflect.TypeOf(v))
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
			return nil, fmt.Errorf("unknown setting %q holds invalid JSON", k)
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

// memberNames returns the JSON member names a struct type declares.
func memberNames(t reflect.Type) map[string]bool {
	names := make(map[string]bool, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = true
	}
	return names
}
