package conversation

import (
	"fmt"
	"math"
)

// Params are the request parameters: a conversation's overrides, and the
// defaults in settings (which embed them). A nil field is not set: a
// conversation then follows the default, and a default that is not set is
// not sent, so the provider's own applies.
type Params struct {
	Temperature      *float64 `json:"temperature,omitempty"`
	TopP             *float64 `json:"top_p,omitempty"`
	MaxTokens        *int     `json:"max_tokens,omitempty"`
	PresencePenalty  *float64 `json:"presence_penalty,omitempty"`
	FrequencyPenalty *float64 `json:"frequency_penalty,omitempty"`
	// MaxLoops is Swarms' max_loops; sent only to providers that take it.
	MaxLoops *int `json:"max_loops,omitempty"`
}

// ParamProblem is one parameter that is out of range.
type ParamProblem struct {
	// Field is the parameter's JSON name, e.g. "top_p".
	Field   string
	Message string
	// Warning is true for a value that is allowed but probably a mistake.
	Warning bool
}

// Validate checks every set parameter against the range the APIs accept.
func (p Params) Validate() []ParamProblem {
	var out []ParamProblem
	inRange := func(field, what string, v *float64, lo, hi float64) {
		if v != nil && (math.IsNaN(*v) || *v < lo || *v > hi) {
			out = append(out, ParamProblem{Field: field, Message: fmt.Sprintf("%s must be between %g and %g, not %g", what, lo, hi, *v)})
		}
	}
	inRange("temperature", "the temperature", p.Temperature, 0, 2)
	inRange("top_p", "top_p", p.TopP, 0, 1)
	if p.MaxTokens != nil && *p.MaxTokens < 1 {
		out = append(out, ParamProblem{Field: "max_tokens", Message: "max tokens must be at least 1 (leave it empty for the provider's default)"})
	}
	inRange("presence_penalty", "the presence penalty", p.PresencePenalty, -2, 2)
	inRange("frequency_penalty", "the frequency penalty", p.FrequencyPenalty, -2, 2)
	switch {
	case p.MaxLoops != nil && *p.MaxLoops < 1:
		out = append(out, ParamProblem{Field: "max_loops", Message: "max loops must be at least 1 (leave it empty for the provider's default)"})
	case p.MaxLoops != nil && *p.MaxLoops > 100:
		out = append(out, ParamProblem{Field: "max_loops", Message: fmt.Sprintf("%d loops make every reply slow and costly", *p.MaxLoops), Warning: true})
	}
	return out
}

// Over returns p with every parameter that over sets replaced by over's.
func (p Params) Over(over Params) Params {
	pick(&p.Temperature, over.Temperature)
	pick(&p.TopP, over.TopP)
	pick(&p.MaxTokens, over.MaxTokens)
	pick(&p.PresencePenalty, over.PresencePenalty)
	pick(&p.FrequencyPenalty, over.FrequencyPenalty)
	pick(&p.MaxLoops, over.MaxLoops)
	return p
}

// Clone returns a copy that shares no pointer with p.
func (p Params) Clone() Params {
	return Params{
		Temperature: clonePtr(p.Temperature), TopP: clonePtr(p.TopP), MaxTokens: clonePtr(p.MaxTokens),
		PresencePenalty: clonePtr(p.PresencePenalty), FrequencyPenalty: clonePtr(p.FrequencyPenalty),
		MaxLoops: clonePtr(p.MaxLoops),
	}
}

func pick[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
