package conversation

import (
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// The services a conversation may be imported from.
const (
	SourceChatGPT = "chatgpt"
	SourceClaude  = "claude"
	SourceMurmur  = "murmur"
)

// Source says where an imported conversation came from, so that importing
// the same export again finds it instead of adding a copy. A conversation
// made in Murmur has none; its own id is its Murmur source id.
type Source struct {
	// Service is the service the conversation came from (SourceChatGPT,
	// SourceClaude, SourceMurmur; newer versions may add more).
	Service string `json:"service"`
	// ID is the conversation's id in that service.
	ID string `json:"id"`
	// UpdatedAt is when the service last changed the conversation, as the
	// export said; zero when it did not say.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// MaxServiceBytes caps Source.Service.
const MaxServiceBytes = 40

func (s *Source) validate() error {
	if s.Service == "" || len(s.Service) > MaxServiceBytes {
		return fmt.Errorf("the source service is empty or longer than %d bytes", MaxServiceBytes)
	}
	for i := 0; i < len(s.Service); i++ {
		c := s.Service[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return fmt.Errorf("the source service %q is not a lowercase name", truncate(s.Service, 60))
		}
	}
	if s.ID == "" || len(s.ID) > MaxIDBytes || !utf8.ValidString(s.ID) {
		return fmt.Errorf("the source id is empty, not UTF-8 or longer than %d bytes", MaxIDBytes)
	}
	for _, r := range s.ID {
		if unicode.IsControl(r) {
			return errors.New("the source id contains a control character")
		}
	}
	return nil
}
