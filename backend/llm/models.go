package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// getJSON sends a GET and returns the body of a 2xx reply.
func (c *Client) getJSON(ctx context.Context, p Provider, key, path string) ([]byte, string, error) {
	cl, err := c.send(ctx, p, key, "GET", path, nil, false)
	if err != nil {
		return nil, "", err
	}
	return c.readBody(ctx, cl)
}

// readBody reads the whole body of a reply that is not streamed and closes
// the call; a failed read comes back as a typed *Error.
func (c *Client) readBody(ctx context.Context, cl *call) ([]byte, string, error) {
	defer cl.close()
	reqID := requestID(cl.resp.Header)
	b, err := cl.readAll(c.maxBody)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, reqID, e
		}
		return nil, reqID, transportError(ctx, context.Cause(cl.rctx), err, cl.key, false)
	}
	return b, reqID, nil
}

func badJSON(what, reqID string, err error) *Error {
	return &Error{Kind: KindBadResponse, Status: 200, RequestID: reqID,
		Message: fmt.Sprintf("the server's %s could not be read: %v", what, err), Err: err}
}

// ListModels returns the provider's models, sorted by id. It asks
// GET /models and, when that fails with 404 or gives nothing, the Swarms
// GET /models/available.
func (c *Client) ListModels(ctx context.Context, p Provider, key string) ([]Model, error) {
	b, reqID, err := c.getJSON(ctx, p, key, "/models")
	var e *Error
	if err != nil && !(errors.As(err, &e) && (e.Status == 404 || e.Status == 405)) {
		return nil, err
	}
	if err == nil {
		var list struct {
			Data []Model `json:"data"`
		}
		if jerr := json.Unmarshal(b, &list); jerr != nil {
			return nil, badJSON("model list", reqID, jerr)
		}
		if len(list.Data) > 0 {
			return sortModels(list.Data), nil
		}
	}
	b2, reqID2, err2 := c.getJSON(ctx, p, key, "/models/available")
	if err2 != nil {
		if err != nil {
			return nil, err
		}
		return []Model{}, nil
	}
	var avail struct {
		Models []json.RawMessage `json:"models"`
	}
	if jerr := json.Unmarshal(b2, &avail); jerr != nil {
		return nil, badJSON("model list", reqID2, jerr)
	}
	out := make([]Model, 0, len(avail.Models))
	for _, raw := range avail.Models {
		var name string
		if json.Unmarshal(raw, &name) == nil {
			out = append(out, Model{ID: name})
			continue
		}
		var m Model
		if json.Unmarshal(raw, &m) == nil && m.ID != "" {
			out = append(out, m)
		}
	}
	return sortModels(out), nil
}

func sortModels(ms []Model) []Model {
	seen := make(map[string]bool, len(ms))
	out := ms[:0]
	for _, m := range ms {
		if m.ID == "" || seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Credits returns the Swarms credit balance (GET /account/credits).
func (c *Client) Credits(ctx context.Context, p Provider, key string) (*Credits, error) {
	b, reqID, err := c.getJSON(ctx, p, key, "/account/credits")
	if err != nil {
		return nil, err
	}
	var cr Credits
	if jerr := json.Unmarshal(b, &cr); jerr != nil {
		return nil, badJSON("credit balance", reqID, jerr)
	}
	return &cr, nil
}

// RateLimits returns the Swarms rate-limit status (GET /rate/limits). The
// minute, hour and day windows are read at the top level or under
// "rate_limits" / "limits".
func (c *Client) RateLimits(ctx context.Context, p Provider, key string) (*RateLimits, error) {
	b, reqID, err := c.getJSON(ctx, p, key, "/rate/limits")
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if jerr := json.Unmarshal(b, &top); jerr != nil {
		return nil, badJSON("rate limits", reqID, jerr)
	}
	var rl RateLimits
	found := false
	read := func(m map[string]json.RawMessage) {
		for name, dst := range map[string]*RateWindow{"minute": &rl.Minute, "hour": &rl.Hour, "day": &rl.Day} {
			if raw, ok := m[name]; ok && json.Unmarshal(raw, dst) == nil {
				found = true
			}
		}
		if t := jsonString(m["tier"]); t != "" {
			rl.Tier = t
		}
	}
	read(top)
	for _, k := range []string{"rate_limits", "limits"} {
		var inner map[string]json.RawMessage
		if raw, ok := top[k]; ok && json.Unmarshal(raw, &inner) == nil {
			read(inner)
		}
	}
	if !found {
		return nil, badJSON("rate limits", reqID, errors.New("no minute, hour or day window in the reply"))
	}
	return &rl, nil
}
