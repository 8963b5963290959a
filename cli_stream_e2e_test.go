//go:build !js

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"murmur/backend/conversation"
)

// The tests in this file stream a reply through the real binary and stop
// or kill it part way.

// streamed records when each piece of stdout arrived.
type streamed struct {
	mu     sync.Mutex
	data   []byte
	marks  []mark
	notify chan struct{}
}

type mark struct {
	at time.Time
	n  int
}

func (s *streamed) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.data = append(s.data, p...)
	s.marks = append(s.marks, mark{time.Now(), len(s.data)})
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *streamed) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data)
}

// bytesBefore is how much had arrived at time at.
func (s *streamed) bytesBefore(at time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.marks {
		if m.at.Before(at) {
			n = m.n
		}
	}
	return n
}

func (e *e2e) startAsk(args ...string) (*exec.Cmd, *streamed) {
	e.t.Helper()
	cmd := e.command(append([]string{"ask"}, args...)...)
	out := &streamed{notify: make(chan struct{}, 1)}
	cmd.Stdout = out
	cmd.Stderr = &bytes.Buffer{}
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	return cmd, out
}

func waitBytes(t *testing.T, s *streamed, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for s.size() < n {
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("only %d bytes of the reply after 20 s", s.size())
		}
	}
}

func TestCLIInterruptKeepsStoppedPartial(t *testing.T) {
	e := newE2E(t, 100)
	cmd, out := e.startAsk("/long")
	waitBytes(t, out, 60)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit after Ctrl-C: %v, want status 130", err)
	}
	convs := e.conversations()
	if len(convs) != 1 {
		t.Fatalf("%d conversations", len(convs))
	}
	reply := convs[0].Path()[1]
	printed := strings.TrimSpace(string(out.data))
	if reply.Status != conversation.StatusStopped {
		t.Fatalf("reply status %q, want stopped", reply.Status)
	}
	if got := reply.Content.PlainText(); got == "" || !strings.HasPrefix(printed, strings.TrimSpace(got)) && !strings.HasPrefix(got, printed) {
		t.Fatalf("stored partial %q does not match what was printed %q", got, printed)
	}
}

func TestCLIKillLeavesInterruptedWithLittleLost(t *testing.T) {
	e := newE2E(t, 100)
	cmd, out := e.startAsk("/long")
	waitBytes(t, out, 400)
	killedAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	// The next start repairs the store: the reply becomes interrupted.
	listed := e.ok("list")
	convs := e.conversations()
	if len(convs) != 1 || !strings.Contains(listed, convs[0].ID) {
		t.Fatalf("after the kill: %d conversations, list %q", len(convs), listed)
	}
	reply := convs[0].Path()[1]
	if reply.Status != conversation.StatusInterrupted {
		t.Fatalf("reply status %q, want interrupted", reply.Status)
	}
	stored := reply.Content.PlainText()
	printed := string(out.data)
	if !strings.HasPrefix(printed, stored) {
		t.Fatalf("stored text is not a prefix of what was printed:\nstored  %q\nprinted %q", stored, printed)
	}
	// At most about a second of text may be missing.
	need := out.bytesBefore(killedAt.Add(-1200 * time.Millisecond))
	if len(stored) < need {
		t.Fatalf("stored %d bytes, but %d had been printed 1.2 s before the kill", len(stored), need)
	}
	t.Logf("printed %d bytes, stored %d at the kill", len(printed), len(stored))

	e2 := e.ok("show", convs[0].ID)
	if !strings.Contains(e2, "[interrupted]") {
		t.Errorf("show does not mark the reply interrupted: %q", e2)
	}
}
