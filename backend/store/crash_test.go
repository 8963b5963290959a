//go:build !js

package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
)

// crashChildEnv names the data folder the crash-test child works in.
const crashChildEnv = "MURMUR_STORE_CRASH_CHILD"

// crashIDs are the conversations the crash test rewrites.
var crashIDs = [...]string{
	"0190f3a0-0000-7000-8000-000000000001",
	"0190f3a0-0000-7000-8000-000000000002",
	"0190f3a0-0000-7000-8000-000000000003",
	"0190f3a0-0000-7000-8000-000000000004",
}

// crashVersion is version v of conversation id: deterministic, so the
// parent can tell whether a file is exactly one complete version. Sizes
// vary from about 1 KB to 60 KB so that writes take a while.
func crashVersion(id string, v int) *conversation.Conversation {
	c := &conversation.Conversation{
		Format: conversation.Format, Version: conversation.SchemaVersion, ID: id,
		Title:     "v" + strconv.Itoa(v),
		CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(v) * time.Second),
		Messages: []conversation.Message{},
	}
	n := 1 + (v*7+len(id))%12
	for j := 0; j < n; j++ {
		role := conversation.RoleUser
		if j%2 == 1 {
			role = conversation.RoleAssistant
		}
		c.Append(conversation.Message{
			ID: fmt.Sprintf("m%d", j), Role: role, Status: conversation.StatusComplete, CreatedAt: t0,
			Content: conversation.TextContent(strings.Repeat(fmt.Sprintf("version %d word%d ", v, j), 1+(v+j)%200)),
		})
	}
	return c
}

func versionOf(c *conversation.Conversation) (int, error) {
	if !strings.HasPrefix(c.Title, "v") {
		return 0, fmt.Errorf("title %q", c.Title)
	}
	return strconv.Atoi(c.Title[1:])
}

// TestHelperProcess is the crash-test child: it rewrites the conversations
// in a loop until it is killed. It does nothing unless started by
// TestCrashKillLeavesOldOrNewVersion.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		return
	}
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	v := 0
	for _, id := range crashIDs {
		c, err := s.Get(ctx, id)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child get:", err)
			os.Exit(3)
		}
		cv, _ := versionOf(c)
		v = max(v, cv)
	}
	fmt.Println("ready")
	for {
		v++
		for _, id := range crashIDs {
			if err := s.Save(ctx, crashVersion(id, v)); err != nil {
				fmt.Fprintln(os.Stderr, "child save:", err)
				os.Exit(3)
			}
		}
		fmt.Println("saved", v)
	}
}

func TestCrashKillLeavesOldOrNewVersion(t *testing.T) {
	const kills = 200
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	for _, id := range crashIDs {
		mustSave(t, s, crashVersion(id, 0))
	}
	s.Close()

	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	seen := map[string]int{}
	progressed, waited := 0, 0
	for round := 0; round < kills; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if round%10 == 9 {
			// Now and then kill it while it is still opening (recovering).
			time.Sleep(time.Duration(rng.IntN(30)) * time.Millisecond)
		} else {
			// Once it has saved a round, kill it at a random moment of the
			// rounds that follow.
			r := bufio.NewReader(out)
			line, err := r.ReadString('\n')
			if err == nil && line == "ready\n" {
				line, err = r.ReadString('\n')
			}
			if err != nil || !strings.HasPrefix(line, "saved ") {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: child did not save: %q %v; stderr: %s", round, line, err, stderr.String())
			}
			waited++
			time.Sleep(time.Duration(rng.IntN(20000)) * time.Microsecond)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		werr := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(werr, &ee) || ee.ExitCode() == 3 {
			t.Fatalf("round %d: child ended with %v before the kill; stderr: %s", round, werr, stderr.String())
		}

		moved := false
		for _, id := range crashIDs {
			b, err := os.ReadFile(convPath(dir, id))
			if err != nil {
				t.Fatalf("round %d: %s: %v", round, id, err)
			}
			c, err := decode(id, b)
			if err != nil {
				t.Fatalf("round %d: %s does not parse after the kill: %v", round, id, err)
			}
			v, err := versionOf(c)
			if err != nil {
				t.Fatalf("round %d: %s: %v", round, id, err)
			}
			want, _ := encode(crashVersion(id, v))
			if !bytes.Equal(b, want) {
				t.Fatalf("round %d: %s is not exactly version %d", round, id, v)
			}
			if v < seen[id] {
				t.Fatalf("round %d: %s went back from version %d to %d", round, id, seen[id], v)
			}
			if v > seen[id] {
				moved = true
			}
			seen[id] = v
		}
		if moved {
			progressed++
		}
		for _, name := range dirNames(t, filepath.Join(dir, "conversations")) {
			if !isTempName(name) && !strings.HasSuffix(name, ".json") {
				t.Fatalf("round %d: unexpected file %s", round, name)
			}
		}

		// Restart as the app would: the store opens, the index agrees with the files.
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("round %d: open after the kill: %v", round, err)
		}
		if rep := s.OpenReport(); len(rep.Quarantined) > 0 || rep.IndexError != "" {
			t.Fatalf("round %d: open report %+v", round, rep)
		}
		p, err := s.List(ctx, ListQuery{})
		if err != nil || len(p.Items) != len(crashIDs) {
			t.Fatalf("round %d: list %+v %v", round, p.Items, err)
		}
		for _, sum := range p.Items {
			if sum.Title != "v"+strconv.Itoa(seen[sum.ID]) {
				t.Fatalf("round %d: index says %s for %s, the file says v%d", round, sum.Title, sum.ID, seen[sum.ID])
			}
		}
		s.Close()
	}
	t.Logf("%d kills, %d of them after progress; last versions %v", kills, progressed, seen)
	if progressed < waited {
		t.Errorf("the child saved before %d kills but the files moved on only %d times", waited, progressed)
	}
}
