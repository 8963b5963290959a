package settings

import (
	"encoding/json"

	"murmur/backend/jsonmembers"
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
	extra, err := jsonmembers.Unknown(b, known)
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
	return jsonmembers.Marshal(settingsJSON(s), s.Extra)
}

// UnmarshalJSON reads a provider and keeps unknown members.
func (p *Provider) UnmarshalJSON(b []byte) error {
	var known providerJSON
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := jsonmembers.Unknown(b, known)
	if err != nil {
		return err
	}
	*p = Provider(known)
	for k, v := range p.ExtraBody {
		p.ExtraBody[k] = jsonmembers.Compact(v)
	}
	p.Extra = extra
	return nil
}

// MarshalJSON writes a provider with its unknown members.
func (p Provider) MarshalJSON() ([]byte, error) {
	return jsonmembers.Marshal(providerJSON(p), p.Extra)
}

// UnmarshalJSON reads defaults and keeps unknown members.
func (d *Defaults) UnmarshalJSON(b []byte) error {
	known := defaultsJSON(*d)
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := jsonmembers.Unknown(b, known)
	if err != nil {
		return err
	}
	*d = Defaults(known)
	d.Extra = extra
	return nil
}

// MarshalJSON writes defaults with their unknown members.
func (d Defaults) MarshalJSON() ([]byte, error) {
	return jsonmembers.Marshal(defaultsJSON(d), d.Extra)
}

// UnmarshalJSON reads the appearance and keeps unknown members.
func (a *Appearance) UnmarshalJSON(b []byte) error {
	known := appearanceJSON(*a)
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := jsonmembers.Unknown(b, known)
	if err != nil {
		return err
	}
	*a = Appearance(known)
	a.Extra = extra
	return nil
}

// MarshalJSON writes the appearance with its unknown members.
func (a Appearance) MarshalJSON() ([]byte, error) {
	return jsonmembers.Marshal(appearanceJSON(a), a.Extra)
}
