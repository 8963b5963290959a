package conversation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// The JSON methods keep fields this version does not know in Extra and write
// them back, so that a newer Murmur's data survives an older one.

type messageJSON Message
type conversationJSON Conversation

// UnmarshalJSON reads a message and keeps unknown fields.
func (m *Message) UnmarshalJSON(b []byte) error {
	var known messageJSON
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := unknownFields(b, &known)
	if err != nil {
		return err
	}
	*m = Message(known)
	m.Extra = extra
	return nil
}

// MarshalJSON writes a message with its unknown fields.
func (m Message) MarshalJSON() ([]byte, error) {
	return withExtra(messageJSON(m), m.Extra)
}

// UnmarshalJSON reads a conversation and keeps unknown fields.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	var known conversationJSON
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := unknownFields(b, &known)
	if err != nil {
		return err
	}
	*c = Conversation(known)
	c.Extra = extra
	return nil
}

// MarshalJSON writes a conversation with its unknown fields.
func (c Conversation) MarshalJSON() ([]byte, error) {
	if c.Messages == nil {
		c.Messages = []Message{}
	}
	return withExtra(conversationJSON(c), c.Extra)
}

// unknownFields returns the members of object b that known does not write.
func unknownFields(b []byte, known any) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	fields := jsonFieldNames(known)
	var extra map[string]json.RawMessage
	for k, v := range all {
		if fields[k] {
			continue
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[k] = v
	}
	return extra, nil
}

// withExtra marshals v and merges extra members that v does not write.
func withExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return b, nil
	}
	fields := jsonFieldNames(v)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	for _, k := range sortedKeys(extra) {
		if fields[k] {
			continue
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		if !json.Valid(extra[k]) {
			return nil, fmt.Errorf("unknown field %s holds invalid JSON", key)
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(extra[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// jsonFieldNames returns the JSON member names of the struct v (or *v).
func jsonFieldNames(v any) map[string]bool {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := make(map[string]bool, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = t.Field(i).Name
		}
		names[name] = true
	}
	return names
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
