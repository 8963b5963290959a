package conversation

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSourceRoundTrip(t *testing.T) {
	c := New(t0)
	c.Append(msg(RoleUser, "q"))
	up := time.Date(2025, 3, 1, 10, 0, 0, 500e6, time.UTC)
	c.Source = &Source{Service: SourceChatGPT, ID: "67c2f0e1-1234-8000-9abc-0123456789ab", UpdatedAt: up}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"source":{"service":"chatgpt","id":"67c2f0e1-1234-8000-9abc-0123456789ab","updated_at":"2025-03-01T10:00:00.5Z"}`) {
		t.Fatalf("source not written as expected: %s", b)
	}
	var back Conversation
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Source == nil || *back.Source != *c.Source || back.Extra != nil {
		t.Fatalf("source after the round trip = %+v (extra %v)", back.Source, back.Extra)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}

	c.Source = &Source{Service: SourceClaude, ID: "u-1"}
	b, _ = json.Marshal(c)
	if strings.Contains(string(b), "updated_at\":\"0001") {
		t.Fatalf("an unknown source time was written as year 1: %s", b)
	}
	c.Source = nil
	b, _ = json.Marshal(c)
	if strings.Contains(string(b), `"source"`) {
		t.Fatalf("a conversation made in Murmur carries a source: %s", b)
	}
}

func TestValidateRejectsBadSource(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  Source
		want string
	}{
		{"empty service", Source{ID: "x"}, "service is empty"},
		{"long service", Source{Service: strings.Repeat("a", MaxServiceBytes+1), ID: "x"}, "service is empty or longer"},
		{"uppercase service", Source{Service: "ChatGPT", ID: "x"}, "not a lowercase name"},
		{"path in service", Source{Service: "../x", ID: "x"}, "not a lowercase name"},
		{"empty id", Source{Service: SourceChatGPT}, "source id is empty"},
		{"long id", Source{Service: SourceChatGPT, ID: strings.Repeat("a", MaxIDBytes+1)}, "source id is empty"},
		{"invalid UTF-8 id", Source{Service: SourceChatGPT, ID: "a\xffb"}, "source id is empty, not UTF-8"},
		{"control in id", Source{Service: SourceChatGPT, ID: "a\nb"}, "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(t0)
			c.Append(msg(RoleUser, "q"))
			src := tc.src
			c.Source = &src
			err := c.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
	c := New(t0)
	c.Source = &Source{Service: "some-future.service_2", ID: "Ünïcode id 42"}
	if err := c.Validate(); err != nil {
		t.Fatalf("a plausible source from a newer Murmur was rejected: %v", err)
	}
}
