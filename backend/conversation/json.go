package conversation

import (
	"encoding/json"

	"murmur/backend/jsonmembers"
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
	extra, err := jsonmembers.Unknown(b, known)
	if err != nil {
		return err
	}
	*m = Message(known)
	m.Extra = extra
	return nil
}

// MarshalJSON writes a message with its unknown fields.
func (m Message) MarshalJSON() ([]byte, error) {
	return jsonmembers.Marshal(messageJSON(m), m.Extra)
}

// UnmarshalJSON reads a conversation and keeps unknown fields.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	var known conversationJSON
	if err := json.Unmarshal(b, &known); err != nil {
		return err
	}
	extra, err := jsonmembers.Unknown(b, known)
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
	return jsonmembers.Marshal(conversationJSON(c), c.Extra)
}
