package serve

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"murmur/backend/llm"
	"murmur/backend/llm/llmtest"
)

// Murmur's own client, holding no key, talks to the proxy as to any
// provider; the proxy adds the key the fake API demands.
func TestMurmurClientThroughTheProxy(t *testing.T) {
	api := httptest.NewServer(llmtest.NewDevHandler(llmtest.DevConfig{Key: testKey, TokensPerSecond: 2000,
		Models: []string{"gpt-4o-mini", "gpt-4o", "fake-model"}}))
	defer api.Close()
	for _, mount := range []string{"/v1", "/murmur/v1"} {
		e := newEnv(t, func(c *Config) {
			c.Upstream = api.URL + "/v1"
			c.AllowNoOrigin = true
			c.Models = []string{"gpt-4o-mini", "fake-model"}
			c.MaxTokens = 512
		})
		client := llm.New(llm.WithRetryPolicy(llm.RetryPolicy{MaxRetries: llm.NoRetries}))
		p := llm.Provider{ID: "serve", BaseURL: e.url + mount, Auth: llm.AuthNone}
		ctx := context.Background()

		st, err := client.Stream(ctx, p, "", &llm.Request{Model: "gpt-4o-mini",
			Messages:      []llm.Message{llm.TextMessage(llm.RoleUser, "/echo hello through the proxy")},
			StreamOptions: &llm.StreamOptions{IncludeUsage: true}})
		if err != nil {
			t.Fatalf("%s: stream: %v", mount, err)
		}
		var text strings.Builder
		for st.Next() {
			if ev := st.Current(); ev.Kind == llm.EventContent {
				text.WriteString(ev.Text)
			}
		}
		if err := st.Err(); err != nil {
			t.Fatalf("%s: stream ended with %v", mount, err)
		}
		st.Close()
		if text.String() != "hello through the proxy" || st.FinishReason() != "stop" {
			t.Errorf("%s: streamed %q, finish %q", mount, text.String(), st.FinishReason())
		}
		if u, ok := st.Usage(); !ok || u.TotalTokens == 0 {
			t.Errorf("%s: usage %+v %v", mount, u, ok)
		}

		models, err := client.ListModels(ctx, p, "")
		if err != nil {
			t.Fatalf("%s: models: %v", mount, err)
		}
		var ids []string
		for _, m := range models {
			ids = append(ids, m.ID)
		}
		if strings.Join(ids, ",") != "fake-model,gpt-4o-mini" {
			t.Errorf("%s: models %v", mount, ids)
		}

		// A refusal reads well on the client's side.
		_, err = client.Complete(ctx, p, "", &llm.Request{Model: "gpt-4o", Messages: []llm.Message{llm.TextMessage(llm.RoleUser, "hi")}})
		var le *llm.Error
		if !errors.As(err, &le) || le.Status != 422 || !strings.Contains(le.Error(), "gpt-4o") || !strings.Contains(le.Error(), "not allowed") {
			t.Errorf("%s: a disallowed model gave %v", mount, err)
		}
	}
}
