package chat

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm"
)

func contents(evs []StreamEvent) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Delta)
	}
	return b.String()
}

func checkSequence(t *testing.T, evs []StreamEvent) {
	t.Helper()
	terminals := 0
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Errorf("event %d has seq %d, want %d", i, e.Seq, i+1)
		}
		if e.Terminal() {
			terminals++
			if i != len(evs)-1 {
				t.Errorf("terminal event %q is not the last", e.Type)
			}
		}
	}
	if terminals != 1 {
		t.Errorf("%d terminal events, want exactly 1", terminals)
	}
}

func TestSendStreamsStoresAndFinishes(t *testing.T) {
	e := newEnv(t, []script{reply("Hello", ", ", "world", "!")})
	s, err := e.engine.Send(context.Background(), "", "Say hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	evs := e.finish(s)
	checkSequence(t, evs)
	if got := contents(evs); got != "Hello, world!" {
		t.Errorf("streamed text %q", got)
	}
	last := evs[len(evs)-1]
	if last.Type != EventDone || last.FinishReason != "stop" {
		t.Errorf("terminal event %+v, want done/stop", last)
	}
	if last.Usage == nil || last.Usage.TotalTokens != 10 {
		t.Errorf("usage %+v, want total 10", last.Usage)
	}
	if last.Timing == nil {
		t.Error("no timing on the done event")
	}

	e.engine.Wait()
	c := e.get(s.ConversationID)
	path := c.Path()
	if len(path) != 2 {
		t.Fatalf("path has %d messages, want 2", len(path))
	}
	u, a := path[0], path[1]
	if u.Role != conversation.RoleUser || u.Content.PlainText() != "Say hello" || u.ID != s.UserMessageID {
		t.Errorf("user message %+v", u)
	}
	if a.Status != conversation.StatusComplete || a.Content.PlainText() != "Hello, world!" || a.FinishReason != "stop" {
		t.Errorf("assistant message %+v", a)
	}
	if a.Model != "fake-model" || a.Usage == nil || a.Timing == nil {
		t.Errorf("assistant message lacks model, usage or timing: %+v", a)
	}
	if c.Title != "Say hello" {
		t.Errorf("title %q, want the first words of the prompt", c.Title)
	}

	req := e.api.requests()[0]
	if req["model"] != "fake-model" || req["stream"] != true {
		t.Errorf("request %v", req)
	}
	for _, unset := range []string{"temperature", "top_p", "max_tokens", "max_loops", "presence_penalty"} {
		if _, ok := req[unset]; ok {
			t.Errorf("request carries %s although nothing set it", unset)
		}
	}
}

func TestUserMessageIsSavedBeforeTheRequest(t *testing.T) {
	var e *env
	sawUser := make(chan bool, 1)
	check := func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		page, err := e.store.List(context.Background(), storeListAll())
		found := false
		if err == nil {
			for _, s := range page.Items {
				c := e.get(s.ID)
				for _, m := range c.Messages {
					if m.Role == conversation.RoleUser && m.Content.PlainText() == "persist me" {
						found = true
					}
				}
			}
		}
		select {
		case sawUser <- found:
		default:
		}
		http.Error(w, `{"error":{"message":"nope","type":"invalid_request_error"}}`, 400)
	}
	e = newEnv(t, []script{check})
	s, err := e.engine.Send(context.Background(), "", "persist me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !<-sawUser {
		t.Fatal("the prompt was not on disk when the request reached the server")
	}
	e.finish(s)
}

func TestServerErrorKeepsPromptAndExplains(t *testing.T) {
	unauthorized := func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		w.Write([]byte(`{"error":{"message":"Invalid API key","type":"authentication_error"}}`))
	}
	e := newEnv(t, []script{unauthorized})
	s, err := e.engine.Send(context.Background(), "", "hi", nil)
	if err != nil {
		t.Fatal(err)
	}
	evs := e.finish(s)
	last := evs[len(evs)-1]
	if last.Type != EventError || last.Error == nil {
		t.Fatalf("terminal %+v, want an error", last)
	}
	if !strings.Contains(last.Error.Message, "Invalid API key") || last.Error.Status != 401 {
		t.Errorf("error %+v does not carry the server's reason", last.Error)
	}
	if strings.Contains(last.Error.Message, "sk-test-secret-key") {
		t.Error("the error text contains the API key")
	}
	e.engine.Wait()
	path := e.get(s.ConversationID).Path()
	if len(path) != 2 || path[0].Content.PlainText() != "hi" || path[1].Status != conversation.StatusError || path[1].Error == nil {
		t.Fatalf("stored path %+v", path)
	}
}

func TestErrorMidStreamKeepsPartialText(t *testing.T) {
	broken := func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		sse(chunk("partial "))
		sse(chunk("answer"))
		sse(`{"error":{"message":"upstream overloaded","type":"server_error"}}`)
	}
	e := newEnv(t, []script{broken})
	s, _ := e.engine.Send(context.Background(), "", "hi", nil)
	evs := e.finish(s)
	if last := evs[len(evs)-1]; last.Type != EventError || !strings.Contains(last.Error.Message, "upstream overloaded") {
		t.Fatalf("terminal %+v", last)
	}
	e.engine.Wait()
	a := e.get(s.ConversationID).Message(s.AssistantMessageID)
	if a.Status != conversation.StatusError || a.Content.PlainText() != "partial answer" {
		t.Fatalf("stored reply %+v, want the partial text with status error", a)
	}
}

func TestStopKeepsPartialAsStopped(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, []script{held([]string{"one ", "two "}, release, "never")})
	s, err := e.engine.Send(context.Background(), "", "count", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.rec.waitFor(t, s.Event, "both tokens", func(evs []StreamEvent) bool { return contents(evs) == "one two " })
	if err := e.engine.Stop(s.StreamID); err != nil {
		t.Fatal(err)
	}
	evs := e.finish(s)
	checkSequence(t, evs)
	if last := evs[len(evs)-1]; last.Type != EventStopped {
		t.Fatalf("terminal %+v, want stopped", last)
	}
	e.engine.Wait()
	a := e.get(s.ConversationID).Message(s.AssistantMessageID)
	if a.Status != conversation.StatusStopped || a.Content.PlainText() != "one two " {
		t.Fatalf("stored reply %+v", a)
	}
	if err := e.engine.Stop(s.StreamID); !errors.Is(err, ErrNoStream) {
		t.Errorf("second Stop = %v, want ErrNoStream", err)
	}
	if !Continuable(*a) {
		t.Error("a stopped reply should be continuable")
	}
}

func TestQuitLeavesReplyInterrupted(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, []script{held([]string{"half"}, release)})
	ctx, cancel := context.WithCancel(context.Background())
	s, err := e.engine.Send(ctx, "", "go", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.rec.waitFor(t, s.Event, "a token", func(evs []StreamEvent) bool { return contents(evs) == "half" })
	cancel()
	e.finish(s)
	e.engine.Wait()
	a := e.get(s.ConversationID).Message(s.AssistantMessageID)
	if a.Status != conversation.StatusInterrupted || a.Content.PlainText() != "half" {
		t.Fatalf("stored reply %+v, want interrupted with its text", a)
	}
}

func TestBusyConversationRefusesSecondSend(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, []script{held([]string{"x"}, release)})
	s, err := e.engine.Send(context.Background(), "", "first", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.engine.Send(context.Background(), s.ConversationID, "second", nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Send = %v, want ErrBusy", err)
	}
	close(release)
	e.finish(s)
	e.engine.Wait()
	if _, err := e.engine.Send(context.Background(), s.ConversationID, "third", nil); err != nil {
		t.Fatalf("Send after the reply finished = %v", err)
	}
	e.engine.Wait()
	path := e.get(s.ConversationID).Path()
	if len(path) != 4 || path[0].Content.PlainText() != "first" || path[1].Content.PlainText() != "x" || path[2].Content.PlainText() != "third" {
		t.Fatalf("path %v", pathText(path))
	}
}

func pathText(path []conversation.Message) []string {
	var s []string
	for _, m := range path {
		s = append(s, string(m.Role)+":"+m.Content.PlainText()+":"+string(m.Status))
	}
	return s
}

func TestRegenerateEditSwitchKeepAlternatives(t *testing.T) {
	e := newEnv(t, []script{reply("A1"), reply("A2"), reply("B1"), reply("C1")})
	ctx := context.Background()
	s1, _ := e.engine.Send(ctx, "", "question", nil)
	e.finish(s1)
	e.engine.Wait()

	s2, err := e.engine.Regenerate(ctx, s1.ConversationID, s1.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	e.finish(s2)
	e.engine.Wait()
	c := e.get(s1.ConversationID)
	if got := pathText(c.Path()); len(got) != 2 || !strings.Contains(got[1], "A2") {
		t.Fatalf("path after regenerate %v", got)
	}
	if sib := c.Siblings(s2.AssistantMessageID); len(sib) != 2 || sib[0] != s1.AssistantMessageID {
		t.Fatalf("the first reply is no longer an alternative: %v", sib)
	}
	if s2.UserMessageID != s1.UserMessageID {
		t.Errorf("regenerate answered prompt %s, want %s", s2.UserMessageID, s1.UserMessageID)
	}

	s3, err := e.engine.Edit(ctx, s1.ConversationID, s1.UserMessageID, "better question", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.finish(s3)
	e.engine.Wait()
	c = e.get(s1.ConversationID)
	if got := pathText(c.Path()); len(got) != 2 || !strings.Contains(got[0], "better question") || !strings.Contains(got[1], "B1") {
		t.Fatalf("path after edit %v", got)
	}
	if sib := c.Siblings(s3.UserMessageID); len(sib) != 2 {
		t.Fatalf("the original prompt is no longer an alternative: %v", sib)
	}
	// The edited request carries the edited prompt only.
	msgs := e.api.requests()[2]["messages"].([]any)
	if len(msgs) != 1 || msgs[0].(map[string]any)["content"] != "better question" {
		t.Errorf("edit sent %v", msgs)
	}

	_, err = e.engine.Switch(ctx, s1.ConversationID, s1.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	if got := pathText(e.get(s1.ConversationID).Path()); len(got) != 2 || !strings.Contains(got[0], "question") || !strings.Contains(got[1], "A1") {
		t.Fatalf("path after switching back %v", got)
	}
	if _, err := e.engine.Switch(ctx, s1.ConversationID, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("switch to a missing message = %v", err)
	}
	if _, err := e.engine.Edit(ctx, s1.ConversationID, s1.AssistantMessageID, "x", nil); !errors.Is(err, ErrWrongRole) {
		t.Errorf("editing a reply = %v, want ErrWrongRole", err)
	}

}

func TestContinueAppendsToStoppedReply(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, []script{held([]string{"The first half"}, release), reply(" and the rest.")})
	ctx := context.Background()
	s, _ := e.engine.Send(ctx, "", "tell me", nil)
	e.rec.waitFor(t, s.Event, "the first half", func(evs []StreamEvent) bool { return contents(evs) != "" })
	e.engine.Stop(s.StreamID)
	e.finish(s)
	e.engine.Wait()

	s2, err := e.engine.Continue(ctx, s.ConversationID, s.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	if s2.AssistantMessageID != s.AssistantMessageID {
		t.Fatal("continue wrote a new message instead of extending the old one")
	}
	evs := e.finish(s2)
	if contents(evs) != " and the rest." {
		t.Errorf("continue streamed %q", contents(evs))
	}
	e.engine.Wait()
	a := e.get(s.ConversationID).Message(s.AssistantMessageID)
	if a.Status != conversation.StatusComplete || a.Content.PlainText() != "The first half and the rest." {
		t.Fatalf("continued reply %+v", a)
	}
	msgs := e.api.requests()[1]["messages"].([]any)
	if len(msgs) != 3 || msgs[1].(map[string]any)["content"] != "The first half" || msgs[2].(map[string]any)["content"] != continuePrompt {
		t.Errorf("continue sent %v", msgs)
	}
	if _, err := e.engine.Continue(ctx, s.ConversationID, s.AssistantMessageID); !errors.Is(err, ErrWrongRole) {
		t.Errorf("continuing a complete reply = %v, want ErrWrongRole", err)
	}
}

func TestRequestCarriesParametersHistoryAndSystemPrompt(t *testing.T) {
	e := newEnv(t, []script{reply("r1"), reply("r2"), reply("r3")}, withTarget(func(tg *Target) {
		tg.SystemPrompt = "Be brief."
		tg.HistoryLimit = 3
		tg.SupportsMaxLoops = true
		tg.StreamUsage = true
		tg.Params = conversation.Params{Temperature: llm.Ptr(0.2), MaxTokens: llm.Ptr(64), MaxLoops: llm.Ptr(2)}
	}))
	ctx := context.Background()
	s, _ := e.engine.Send(ctx, "", "q1", nil)
	e.finish(s)
	e.engine.Wait()
	s, _ = e.engine.Send(ctx, s.ConversationID, "q2", nil)
	e.finish(s)
	e.engine.Wait()
	s, _ = e.engine.Send(ctx, s.ConversationID, "q3", nil)
	e.finish(s)
	e.engine.Wait()

	req := e.api.requests()[2]
	msgs := req["messages"].([]any)
	var got []string
	for _, m := range msgs {
		mm := m.(map[string]any)
		got = append(got, mm["role"].(string)+":"+mm["content"].(string))
	}
	// Limit 3 keeps the last three messages (r1, q2... ) minus a leading reply.
	want := []string{"system:Be brief.", "user:q2", "assistant:r2", "user:q3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages %v, want %v", got, want)
	}
	if req["temperature"] != 0.2 || req["max_tokens"] != float64(64) || req["max_loops"] != float64(2) {
		t.Errorf("parameters not sent: %v", req)
	}
	if so, ok := req["stream_options"].(map[string]any); !ok || so["include_usage"] != true {
		t.Errorf("stream_options %v", req["stream_options"])
	}
}

func TestMaxLoopsOnlyForProvidersThatSupportIt(t *testing.T) {
	e := newEnv(t, []script{reply("ok")}, withTarget(func(tg *Target) {
		tg.Params = conversation.Params{MaxLoops: llm.Ptr(3)}
	}))
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	e.finish(s)
	if _, ok := e.api.requests()[0]["max_loops"]; ok {
		t.Error("max_loops sent to a provider that does not support it")
	}
}

func TestNonStreamingModeDeliversTheWholeReply(t *testing.T) {
	e := newEnv(t, []script{reply("all ", "at ", "once")}, withTarget(func(tg *Target) { tg.Stream = false }))
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	evs := e.finish(s)
	checkSequence(t, evs)
	if contents(evs) != "all at once" || evs[len(evs)-1].Type != EventDone {
		t.Fatalf("events %+v", evs)
	}
	if e.api.requests()[0]["stream"] == true {
		t.Error("streaming was requested although it is off")
	}
}

func TestDeltasAreCoalesced(t *testing.T) {
	clock := newFakeClock()
	tokens := make([]string, 200)
	for i := range tokens {
		tokens[i] = "t"
	}
	e := newEnv(t, []script{reply(tokens...)}, withEngineOptions(WithClock(clock)))
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	evs := e.finish(s)
	deltas := 0
	for _, ev := range evs {
		if ev.Type == EventDelta {
			deltas++
		}
	}
	// The clock never moves: the first token goes out at once, the rest
	// waits for the coalescing window and is flushed at the end.
	if deltas > 2 {
		t.Errorf("%d delta events for 200 tokens with no time passing, want at most 2", deltas)
	}
	if contents(evs) != strings.Repeat("t", 200) {
		t.Errorf("lost text: got %d bytes", len(contents(evs)))
	}
}

func TestSizeCapFlushesWithoutWaiting(t *testing.T) {
	clock := newFakeClock()
	big := strings.Repeat("x", 1000)
	tokens := []string{big, big, big, big, big}
	e := newEnv(t, []script{reply(tokens...)}, withEngineOptions(WithClock(clock), WithTiming(Timing{MaxPending: 1500})))
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	evs := e.finish(s)
	deltas := 0
	for _, ev := range evs {
		if ev.Type == EventDelta {
			deltas++
		}
	}
	if deltas < 3 {
		t.Errorf("%d delta events, want the size cap to force at least 3", deltas)
	}
}

func TestCheckpointSavesPartialWhileStreaming(t *testing.T) {
	clock := newFakeClock()
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, []script{held([]string{"saved ", "text"}, release)}, withEngineOptions(WithClock(clock)))
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	e.rec.waitFor(t, s.Event, "a token", func(evs []StreamEvent) bool { return len(evs) > 0 })
	deadline := time.Now().Add(10 * time.Second)
	for {
		clock.Advance(DefaultCheckpoint)
		a := e.get(s.ConversationID).Message(s.AssistantMessageID)
		if a.Content.PlainText() == "saved text" {
			if a.Status != conversation.StatusStreaming {
				t.Errorf("checkpoint status %q, want streaming", a.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint with the partial text; stored %+v", a)
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.engine.Stop(s.StreamID)
	e.finish(s)
}

func TestSnapshotForLateSubscribers(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, []script{held([]string{"abc"}, release, "def")})
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	e.rec.waitFor(t, s.Event, "a token", func(evs []StreamEvent) bool { return contents(evs) == "abc" })
	snap, ok := e.engine.Snapshot(s.StreamID)
	if !ok || snap.Content != "abc" || snap.Status != conversation.StatusStreaming || snap.Seq == 0 {
		t.Fatalf("snapshot while streaming %+v", snap)
	}
	close(release)
	evs := e.finish(s)
	e.engine.Wait()
	snap, ok = e.engine.Snapshot(s.StreamID)
	if !ok || snap.Content != "abcdef" || snap.Status != conversation.StatusComplete || snap.Seq != evs[len(evs)-1].Seq {
		t.Fatalf("snapshot after the end %+v", snap)
	}
}

func TestAutoTitleAfterFirstReply(t *testing.T) {
	e := newEnv(t, []script{reply("Paris is the capital."), reply("\"Capital of France.\"\nextra")},
		withTarget(func(tg *Target) { tg.AutoTitle = true }))
	s, _ := e.engine.Send(context.Background(), "", "what is the capital of france", nil)
	e.finish(s)
	e.engine.Wait()
	if got := e.get(s.ConversationID).Title; got != "Capital of France" {
		t.Fatalf("title %q, want the model's cleaned title", got)
	}
	reqs := e.api.requests()
	if len(reqs) != 2 || reqs[1]["stream"] == true {
		t.Fatalf("title request missing or streamed: %d requests", len(reqs))
	}
}

func TestAutoTitleFailureKeepsFallback(t *testing.T) {
	fail := func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		http.Error(w, `{"detail":"nope"}`, 400)
	}
	e := newEnv(t, []script{reply("answer"), fail}, withTarget(func(tg *Target) { tg.AutoTitle = true }))
	s, _ := e.engine.Send(context.Background(), "", "one two three four five six seven eight nine ten", nil)
	e.finish(s)
	e.engine.Wait()
	if got := e.get(s.ConversationID).Title; got != "one two three four five six seven eight…" {
		t.Fatalf("title %q", got)
	}
}

func TestEmptyPromptRefused(t *testing.T) {
	e := newEnv(t, []script{reply("x")})
	if _, err := e.engine.Send(context.Background(), "", "  \n ", nil); !errors.Is(err, ErrEmptyPrompt) {
		t.Fatalf("Send(blank) = %v", err)
	}
	if len(e.api.requests()) != 0 {
		t.Fatal("a blank prompt reached the server")
	}
}

func TestTitles(t *testing.T) {
	for _, tc := range []struct{ in, fallback, clean string }{
		{"hello", "hello", "hello"},
		{"  many   spaces\nand lines ", "many spaces and lines", "many   spaces"},
		{"a b c d e f g h i j", "a b c d e f g h…", "a b c d e f g h i j"},
		{"", "New conversation", ""},
		{"Title: \"Quoted.\"", "Title: \"Quoted.\"", "Quoted"},
	} {
		if got := FallbackTitle(tc.in); got != tc.fallback {
			t.Errorf("FallbackTitle(%q) = %q, want %q", tc.in, got, tc.fallback)
		}
		if got := CleanTitle(tc.in); got != tc.clean {
			t.Errorf("CleanTitle(%q) = %q, want %q", tc.in, got, tc.clean)
		}
	}
}

func TestNoTargetKeepsPromptAndSaysWhere(t *testing.T) {
	e := newEnv(t, []script{reply("never")})
	noKey := errors.New("there is no API key")
	e.beforeResolve = func(*conversation.Conversation) error { return noKey }
	_, err := e.engine.Send(context.Background(), "", "keep me", nil)
	var ns *NotSentError
	if !errors.As(err, &ns) || !errors.Is(err, noKey) || ns.ConversationID == "" || ns.MessageID == "" {
		t.Fatalf("Send without a target = %v, want a NotSentError with ids", err)
	}
	c := e.get(ns.ConversationID)
	if m := c.Message(ns.MessageID); m == nil || m.Content.PlainText() != "keep me" || len(c.Messages) != 1 {
		t.Fatalf("stored %v, want only the prompt", pathText(c.Path()))
	}
	if len(e.api.requests()) != 0 {
		t.Fatal("a request was sent without a target")
	}

	// Once the key is there, the saved prompt gets its answer.
	e.beforeResolve = nil
	s, err := e.engine.Regenerate(context.Background(), ns.ConversationID, ns.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	e.finish(s)
	e.engine.Wait()
	if got := pathText(e.get(ns.ConversationID).Path()); len(got) != 2 || !strings.Contains(got[1], "never") {
		t.Fatalf("path after answering the saved prompt: %v", got)
	}
}

func TestRegenerateWithoutTargetChangesNothing(t *testing.T) {
	e := newEnv(t, []script{reply("first")})
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	e.finish(s)
	e.engine.Wait()
	before := e.get(s.ConversationID)
	e.beforeResolve = func(*conversation.Conversation) error { return errors.New("no key") }
	if _, err := e.engine.Regenerate(context.Background(), s.ConversationID, s.AssistantMessageID); err == nil {
		t.Fatal("regenerate without a target succeeded")
	}
	after := e.get(s.ConversationID)
	if after.CurrentID != before.CurrentID || len(after.Messages) != len(before.Messages) {
		t.Fatalf("a failed regenerate changed the conversation: %v -> %v", pathText(before.Path()), pathText(after.Path()))
	}
}

func TestRenameDuringSendIsNotLost(t *testing.T) {
	e := newEnv(t, []script{reply("a"), reply("b")})
	s, _ := e.engine.Send(context.Background(), "", "first", nil)
	e.finish(s)
	e.engine.Wait()
	// The user renames while the next send waits on the keychain.
	e.beforeResolve = func(c *conversation.Conversation) error {
		return e.store.Rename(context.Background(), c.ID, "My title")
	}
	s2, err := e.engine.Send(context.Background(), s.ConversationID, "second", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.finish(s2)
	e.engine.Wait()
	c := e.get(s.ConversationID)
	if c.Title != "My title" || len(c.Path()) != 4 {
		t.Fatalf("title %q, path %v: the rename or the messages were lost", c.Title, pathText(c.Path()))
	}
}

func TestContinueAfterErrorWithText(t *testing.T) {
	broken := func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		sse(chunk("half an "))
		sse(`{"error":{"message":"upstream died","type":"server_error"}}`)
	}
	e := newEnv(t, []script{broken, reply("answer.")})
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	e.finish(s)
	e.engine.Wait()
	a := e.get(s.ConversationID).Message(s.AssistantMessageID)
	if a.Status != conversation.StatusError || !Continuable(*a) {
		t.Fatalf("broken reply %+v should be continuable", a)
	}
	s2, err := e.engine.Continue(context.Background(), s.ConversationID, s.AssistantMessageID)
	if err != nil {
		t.Fatal(err)
	}
	e.finish(s2)
	e.engine.Wait()
	a = e.get(s.ConversationID).Message(s.AssistantMessageID)
	if a.Status != conversation.StatusComplete || a.Content.PlainText() != "half an answer." || a.Error != nil {
		t.Fatalf("continued reply %+v", a)
	}
}

func TestModifyRefusedWhileStreaming(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, []script{held([]string{"x"}, release)})
	s, _ := e.engine.Send(context.Background(), "", "q", nil)
	_, err := e.engine.Modify(context.Background(), s.ConversationID, func(c *conversation.Conversation) error {
		c.Model = "other"
		return nil
	})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Modify while streaming = %v, want ErrBusy", err)
	}
	close(release)
	e.finish(s)
	e.engine.Wait()
	c, err := e.engine.Modify(context.Background(), s.ConversationID, func(c *conversation.Conversation) error {
		c.Model = "other"
		return nil
	})
	if err != nil || c.Model != "other" || e.get(s.ConversationID).Model != "other" {
		t.Fatalf("Modify after the reply: %v", err)
	}
}
