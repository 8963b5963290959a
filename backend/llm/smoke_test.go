package llm

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSmokeStreamAndComplete(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Api-Key") != "k-123456" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"detail":"bad key"}`)
			return
		}
		if strings.Contains(string(b), `"stream":true`) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n")
			fmt.Fprint(w, "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n")
			fmt.Fprint(w, "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"c2","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`)
	}))
	defer srv.Close()
	c := New()
	p := Provider{ID: "t", BaseURL: srv.URL + "/v1", Auth: AuthXAPIKey}
	req := &Request{Model: "m", Messages: []Message{TextMessage(RoleUser, "hi")}}
	s, err := c.Stream(context.Background(), p, "k-123456", req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for s.Next() {
		ev := s.Current()
		got = append(got, ev.Kind.String()+":"+ev.Text)
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if strings.Join(got, ",") != "role:assistant,content:Hi,finish:stop" {
		t.Fatalf("events %v", got)
	}
	comp, err := c.Complete(context.Background(), p, "k-123456", req)
	if err != nil || comp.Text() != "Hello" || comp.Usage.TotalTokens != 3 {
		t.Fatalf("complete %+v %v", comp, err)
	}
	_, err = c.Complete(context.Background(), p, "wrong-key", req)
	if e, ok := err.(*Error); !ok || e.Kind != KindAuth || strings.Contains(e.Error(), "wrong-key") {
		t.Fatalf("auth error %v", err)
	}
}
