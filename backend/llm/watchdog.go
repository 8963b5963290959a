package llm

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// timeoutCause is the cancel cause the watchdog sets.
type timeoutCause struct {
	idle bool
	d    time.Duration
}

func (t *timeoutCause) Error() string {
	if t.idle {
		return fmt.Sprintf("the server sent nothing for %s", t.d)
	}
	return fmt.Sprintf("the server did not answer within %s", t.d)
}

// watchdog cancels a request when the first data does not arrive in time,
// or when data stops arriving for longer than the idle timeout. Only data
// counts: callers report it with dataArrived, so keep-alive comments that
// are not reported do not keep a dead stream open. Reporting data costs an
// atomic store; the timer is re-armed only when it fires.
type watchdog struct {
	timer   *time.Timer
	cancel  context.CancelCauseFunc
	first   time.Duration
	idle    time.Duration
	start   time.Time
	last    atomic.Int64 // time of the last data since start, -1 before any
	stopped atomic.Bool
}

func startWatchdog(cancel context.CancelCauseFunc, first, idle time.Duration) *watchdog {
	w := &watchdog{cancel: cancel, first: first, idle: idle, start: time.Now()}
	w.last.Store(-1)
	w.timer = time.AfterFunc(first, w.fire)
	return w
}

func (w *watchdog) fire() {
	if w.stopped.Load() {
		return
	}
	last := w.last.Load()
	if last < 0 {
		w.cancel(&timeoutCause{d: w.first})
		return
	}
	silent := time.Since(w.start) - time.Duration(last)
	if silent >= w.idle {
		w.cancel(&timeoutCause{idle: true, d: w.idle})
		return
	}
	w.timer.Reset(w.idle - silent)
}

// dataArrived records data; the first call switches to the idle timeout.
func (w *watchdog) dataArrived() {
	if w.last.Swap(int64(time.Since(w.start))) < 0 {
		w.timer.Reset(w.idle)
	}
}

func (w *watchdog) stop() {
	w.stopped.Store(true)
	w.timer.Stop()
}
