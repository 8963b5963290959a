//go:build js && wasm

package browserdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"murmur/backend/browserdb/browsertest"
)

func TestMain(m *testing.M) {
	browsertest.Main(m, map[string]func(context.Context) error{
		"hold-lock": holdLock,
		"quota":     quota,
	})
}

// holdLock is the other tab: it takes the lock named in MURMUR_LOCK, says
// "held", and waits until it is stolen, then says "lost".
func holdLock(ctx context.Context) error {
	l, err := TryLock(ctx, os.Getenv("MURMUR_LOCK"))
	if err != nil {
		return err
	}
	browsertest.Say("held")
	<-l.Lost()
	browsertest.Say("lost")
	return nil
}

func TestLockInOnePage(t *testing.T) {
	ctx := context.Background()
	name := "test-lock-" + t.Name()
	a, err := TryLock(ctx, name)
	if err != nil {
		t.Fatalf("TryLock: %v", err)
	}
	if _, err := TryLock(ctx, name); !errors.Is(err, ErrLockHeld) {
		t.Fatalf("second TryLock: %v, want ErrLockHeld", err)
	}
	b, err := StealLock(ctx, name)
	if err != nil {
		t.Fatalf("StealLock: %v", err)
	}
	select {
	case <-a.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("the first holder did not hear that its lock was stolen")
	}
	a.Release() // after losing it: nothing happens
	select {
	case <-b.Lost():
		t.Fatal("the thief lost the lock too")
	default:
	}
	if _, err := TryLock(ctx, name); !errors.Is(err, ErrLockHeld) {
		t.Fatalf("TryLock while stolen lock is held: %v, want ErrLockHeld", err)
	}
	b.Release()
	c, err := TryLock(ctx, name)
	if err != nil {
		t.Fatalf("TryLock after Release: %v", err)
	}
	c.Release()
	c.Release()
}

func TestLockAcrossTabs(t *testing.T) {
	ctx := context.Background()
	name := "test-lock-" + t.Name()
	other := browsertest.Spawn(t, "hold-lock", map[string]string{"MURMUR_LOCK": name})
	if ok, out := other.WaitOutput("held"); !ok {
		t.Fatalf("the other tab did not take the lock:\n%s", out)
	}
	if _, err := TryLock(ctx, name); !errors.Is(err, ErrLockHeld) {
		t.Fatalf("TryLock while another tab holds it: %v, want ErrLockHeld", err)
	}
	l, err := StealLock(ctx, name)
	if err != nil {
		t.Fatalf("StealLock: %v", err)
	}
	defer l.Release()
	if ok, out := other.WaitOutput("lost"); !ok {
		t.Fatalf("the other tab did not hear that its lock was stolen:\n%s", out)
	}
	if code, out := other.Wait(); code != 0 {
		t.Errorf("the other tab exited %d:\n%s", code, out)
	}
}

func TestLockGoesWithACrashedTab(t *testing.T) {
	ctx := context.Background()
	name := "test-lock-" + t.Name()
	other := browsertest.Spawn(t, "hold-lock", map[string]string{"MURMUR_LOCK": name})
	if ok, out := other.WaitOutput("held"); !ok {
		t.Fatalf("the other tab did not take the lock:\n%s", out)
	}
	other.Crash()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l, err := TryLock(ctx, name)
		if err == nil {
			l.Release()
			return
		}
		if !errors.Is(err, ErrLockHeld) || time.Now().After(deadline) {
			t.Fatalf("TryLock after the holder crashed: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestQuotaExceededKeepsTheOldValueAndSaysSo(t *testing.T) {
	p := browsertest.SpawnWithQuota(t, "quota", nil, 1<<20)
	code, out := p.Wait()
	t.Logf("the page with a 1 MB quota:\n%s", out)
	if code != 0 {
		t.Fatalf("the page with a 1 MB quota exited %d", code)
	}
}

// quota runs on an origin whose quota is 1 MB: a transaction over it is
// refused whole, says so in words, and keeps what was there.
func quota(ctx context.Context) error {
	db, err := Open(ctx, "quota", "kv")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Put(ctx, "kv", "doc", []byte("old version")); err != nil {
		return err
	}
	big := []byte(strings.Repeat("x", 4<<20))
	err = db.Update(ctx, []string{"kv"}, func(tx *Tx) error {
		if err := tx.Put("kv", "doc", big); err != nil {
			return err
		}
		return tx.Put("kv", "other", []byte("y"))
	})
	if !errors.Is(err, ErrQuotaExceeded) {
		return fmt.Errorf("Update over the quota: %v, want ErrQuotaExceeded", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "the browser's storage for this site is full") {
		return fmt.Errorf("error %q does not say the storage is full", msg)
	}
	browsertest.Say("the error reads: %v", err)
	if b, err := db.Get(ctx, "kv", "doc"); err != nil || string(b) != "old version" {
		return fmt.Errorf("doc after the refused update = %q, %v; want the old version", b, err)
	}
	if _, err := db.Get(ctx, "kv", "other"); !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("other was kept from the refused transaction: %v", err)
	}
	if err := db.Put(ctx, "kv", "doc", big); !errors.Is(err, ErrQuotaExceeded) {
		return fmt.Errorf("a single Put over the quota: %v, want ErrQuotaExceeded", err)
	}
	if err := browsertest.LiftQuota(); err != nil {
		return err
	}
	if err := db.Put(ctx, "kv", "doc", big); err != nil {
		return fmt.Errorf("Put once the quota is lifted: %v", err)
	}
	return nil
}

func TestPersistAndEstimate(t *testing.T) {
	ctx := context.Background()
	granted, err := Persist(ctx)
	if err != nil {
		t.Fatalf("Persist on a page: %v", err)
	}
	st, err := Estimate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Persisted != granted {
		t.Errorf("Estimate says persisted %v, Persist answered %v", st.Persisted, granted)
	}
	if st.Quota <= 0 || st.Usage < 0 || st.Usage > st.Quota {
		t.Errorf("estimate = %+v, want 0 <= usage <= quota, quota > 0", st)
	}
	t.Logf("persist answered %v; estimate: %+v", granted, st)
}

func TestOtherTabsUpgradeIsFollowed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "kv")
	if err := db.Put(ctx, "kv", "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// A second connection (as another tab would) adds a store: this one
	// must step aside and reopen, not block the upgrade.
	other, err := Open(ctx, db.Name(), "kv", "added")
	if err != nil {
		t.Fatalf("Open with a new store while another connection is open: %v", err)
	}
	defer other.Close()
	if b, err := db.Get(ctx, "kv", "k"); err != nil || string(b) != "v" {
		t.Errorf("Get after the other connection upgraded: %q, %v", b, err)
	}
	if err := other.Put(ctx, "added", "x", []byte("1")); err != nil {
		t.Error(err)
	}
	if err := db.Ensure(ctx, "added"); err != nil {
		t.Fatal(err)
	}
	if b, err := db.Get(ctx, "added", "x"); err != nil || string(b) != "1" {
		t.Errorf("Get in the added store: %q, %v", b, err)
	}
	if _, err := db.Get(ctx, "nope", "x"); err == nil || !strings.Contains(err.Error(), "no object store") {
		t.Errorf("Get in a store that does not exist: %v", err)
	}
}

func TestKeysAreChecked(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "kv")
	for _, k := range []string{"bad\xff", "a\uffffb"} {
		if err := db.Put(ctx, "kv", k, nil); err == nil {
			t.Errorf("Put(%q) succeeded", k)
		}
	}
	if err := db.Put(ctx, "kv", "ünïcode 🙂", []byte("ok")); err != nil {
		t.Fatal(err)
	}
	es, err := db.List(ctx, "kv", "ün")
	if err != nil || len(es) != 1 || es[0].Key != "ünïcode 🙂" {
		t.Errorf("List(ün) = %v, %v", es, err)
	}
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "kv")
	db.Close()
	if err := db.Put(ctx, "kv", "k", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close: %v, want ErrClosed", err)
	}
	_ = fmt.Sprint()
}
