package conversation

import (
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestParamsValidate(t *testing.T) {
	cases := []struct {
		name    string
		p       Params
		field   string
		warning bool
	}{
		{"none set", Params{}, "", false},
		{"all in range", Params{Temperature: ptr(0.7), TopP: ptr(1.0), MaxTokens: ptr(100), PresencePenalty: ptr(-2.0),
			FrequencyPenalty: ptr(2.0), MaxLoops: ptr(3)}, "", false},
		{"temperature high", Params{Temperature: ptr(2.5)}, "temperature", false},
		{"top_p negative", Params{TopP: ptr(-0.1)}, "top_p", false},
		{"max tokens zero", Params{MaxTokens: ptr(0)}, "max_tokens", false},
		{"presence low", Params{PresencePenalty: ptr(-3.0)}, "presence_penalty", false},
		{"frequency high", Params{FrequencyPenalty: ptr(2.1)}, "frequency_penalty", false},
		{"max loops zero", Params{MaxLoops: ptr(0)}, "max_loops", false},
		{"max loops many", Params{MaxLoops: ptr(101)}, "max_loops", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.p.Validate()
			if c.field == "" {
				if len(got) != 0 {
					t.Fatalf("problems %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != c.field || got[0].Warning != c.warning || got[0].Message == "" {
				t.Fatalf("problems %+v, want one on %s (warning %v)", got, c.field, c.warning)
			}
		})
	}
}

func TestParamsOverAndClone(t *testing.T) {
	base := Params{Temperature: ptr(0.2), MaxTokens: ptr(10)}
	got := base.Over(Params{Temperature: ptr(1.0), MaxLoops: ptr(2)})
	if *got.Temperature != 1 || *got.MaxTokens != 10 || *got.MaxLoops != 2 || got.TopP != nil {
		t.Fatalf("Over = %+v", got)
	}
	c := base.Clone()
	*c.Temperature = 9
	if *base.Temperature != 0.2 {
		t.Fatal("Clone shares a pointer with the original")
	}
}
