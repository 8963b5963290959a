//go:build !js

package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"murmur/backend/chat"
	"murmur/backend/llm"
	"murmur/backend/view"
)

var updateRecordings = flag.Bool("update-recordings", false, "rewrite frontend/src/test/recorded from the real engine")

// recording is what the UI's stand-in for Go replays: the stream events the
// desktop shell emitted for one prompt, each with the time it came at.
type recording struct {
	Prompt string          `json:"prompt"`
	Events []recordedEvent `json:"events"`
}

type recordedEvent struct {
	AtMS  int64            `json:"atMs"`
	Event view.StreamEvent `json:"event"`
}

var recordedScenarios = []struct {
	name, prompt string
	rate         float64
}{
	{"reply", "Say hello", 200},
	{"markdown", "/think Show me a list and some code", 200},
	{"long", "/long", 2000},
	{"auth-error", "/error 401", 200},
	{"rate-limited", "/error 429", 200},
	{"cut", "/cut", 200},
}

// The UI tests replay these streams instead of talking to Go; this test
// runs the real engine for each and fails when what it emits no longer
// matches what was recorded (event kinds, the text they build, the members
// of each kind), so the stand-in cannot drift from the engine.
// go test -run TestRecordedStreams -update-recordings . rewrites them.
func TestRecordedStreamsMatchTheEngine(t *testing.T) {
	dir := filepath.Join("frontend", "src", "test", "recorded")
	noWait := llm.WithSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() })
	for _, sc := range recordedScenarios {
		t.Run(sc.name, func(t *testing.T) {
			e := newAppEnv(t, withRate(sc.rate), withClient(noWait))
			if _, err := e.app.SetKey("fake", "sk-fake-key-0123456789"); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			s, err := e.app.Send("", sc.prompt, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := recording{Prompt: sc.prompt}
			for done := false; !done; {
				select {
				case ev := <-e.events.stream:
					if ev.StreamID != s.StreamID {
						continue
					}
					got.Events = append(got.Events, recordedEvent{AtMS: time.Since(start).Milliseconds(), Event: view.StreamEventOf(ev)})
					done = ev.Terminal()
				case <-time.After(30 * time.Second):
					t.Fatal("no terminal event")
				}
			}
			path := filepath.Join(dir, sc.name+".json")
			if *updateRecordings {
				b, _ := json.MarshalIndent(got, "", "  ")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v: run go test -run TestRecordedStreams -update-recordings .", err)
			}
			var want recording
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if g, w := outline(got), outline(want); !reflect.DeepEqual(g, w) {
				t.Fatalf("the engine no longer emits what %s recorded:\n got  %+v\n want %+v\nrun go test -run TestRecordedStreams -update-recordings .", path, g, w)
			}
		})
	}
}

// streamOutline is what a recording must keep across runs: the kinds of its
// events (runs of deltas merged, since their coalescing follows timing),
// the text and reasoning they build, and the members each kind carries.
type streamOutline struct {
	Kinds     []string
	Text      string
	Reasoning string
	Members   map[string][]string
}

func outline(r recording) streamOutline {
	o := streamOutline{Members: map[string][]string{}}
	var text, reasoning strings.Builder
	for _, re := range r.Events {
		ev := re.Event
		if len(o.Kinds) == 0 || ev.Type != string(chat.EventDelta) || o.Kinds[len(o.Kinds)-1] != ev.Type {
			o.Kinds = append(o.Kinds, ev.Type)
		}
		text.WriteString(ev.Delta)
		reasoning.WriteString(ev.ReasoningDelta)
		b, _ := json.Marshal(ev)
		var m map[string]any
		json.Unmarshal(b, &m)
		for k := range m {
			if !contains(o.Members[ev.Type], k) {
				o.Members[ev.Type] = append(o.Members[ev.Type], k)
			}
		}
	}
	for k := range o.Members {
		sort.Strings(o.Members[k])
	}
	o.Text, o.Reasoning = text.String(), reasoning.String()
	return o
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
