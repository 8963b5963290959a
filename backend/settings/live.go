package settings

import (
	"context"
	"sync"
	"sync/atomic"
)

// Persister loads and saves the settings document: the settings file on the
// desktop, browser storage on the web. Load's errors say what failed
// ("load settings: …"), so OpenLive returns them as they are.
type Persister interface {
	Load(ctx context.Context) (Settings, LoadReport, error)
	Save(ctx context.Context, s Settings) error
}

// File is the settings file at Path.
type File struct{ Path string }

// Load reads the file (see Load).
func (f File) Load(ctx context.Context) (Settings, LoadReport, error) { return Load(ctx, f.Path) }

// Save writes the file atomically (see Save).
func (f File) Save(ctx context.Context, s Settings) error { return Save(ctx, f.Path, s) }

// Live is the settings of a running app: one copy in memory that every
// reader shares, changed only by Update, which validates, saves and swaps
// under one lock, so that no two changes interleave and a reader never sees
// a change that was not saved.
type Live struct {
	p   Persister
	mu  sync.Mutex // serialises Update
	cur atomic.Pointer[liveState]
}

type liveState struct {
	s      Settings
	report LoadReport
}

// OpenLive loads the settings through p. Settings that cannot be read are
// reported in Report and defaults are used; only a failure to read or move
// them aside is an error.
func OpenLive(ctx context.Context, p Persister) (*Live, error) {
	s, rep, err := p.Load(ctx)
	if err != nil {
		return nil, err
	}
	l := &Live{p: p}
	l.cur.Store(&liveState{s: s, report: rep})
	return l, nil
}

// Get returns a copy of the current settings; changing it changes nothing.
func (l *Live) Get() Settings { return l.cur.Load().s.Clone() }

// Report says how the settings were loaded; its Problems are cleared by the
// first successful Update.
func (l *Live) Report() LoadReport { return l.cur.Load().report }

// Update applies change to a copy of the current settings, validates the
// result and saves it; only then does it become current. When change fails,
// the result has errors or the save fails, nothing changes and the error is
// returned (a *ValidationError listing every problem for invalid settings).
// The warnings of the saved settings are returned.
func (l *Live) Update(ctx context.Context, change func(s *Settings) error) ([]FieldError, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.cur.Load()
	next := old.s.Clone()
	if err := change(&next); err != nil {
		return nil, err
	}
	problems := next.Validate()
	if len(Errors(problems)) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	if err := l.p.Save(ctx, next); err != nil {
		return nil, err
	}
	rep := old.report
	rep.Problems = nil
	l.cur.Store(&liveState{s: next.Clone(), report: rep})
	return Warnings(problems), nil
}
