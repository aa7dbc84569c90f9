package app

import (
	"sync"
	"time"

	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// sweepEvery is how many operations pass between removals of expired histories.
const sweepEvery = 1024

// Throttle keeps failure histories per key in memory. An attempt is counted as a failure
// when it starts (Acquire) and forgiven when it succeeds, so concurrent attempts cannot
// overshoot the limit. Each replica throttles on its own.
type Throttle struct {
	policy domain.ThrottlePolicy

	mu      sync.Mutex
	entries map[string]*domain.Failures
	ops     int
}

// NewThrottle returns an empty throttle applying p.
func NewThrottle(p domain.ThrottlePolicy) *Throttle {
	return &Throttle{policy: p, entries: map[string]*domain.Failures{}}
}

// acquire refuses the attempt when any key is blocked (returning the longest wait), else
// records a provisional failure for every key.
func (t *Throttle) acquire(now time.Time, keys ...string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked(now)
	var wait time.Duration
	for _, k := range keys {
		if w, blocked := t.policy.Blocked(t.entry(k), now); blocked {
			wait = max(wait, w)
		}
	}
	if wait > 0 {
		return wait, false
	}
	for _, k := range keys {
		t.policy.Record(t.entry(k), now)
	}
	return 0, true
}

// forgive drops the provisional failure of key.
func (t *Throttle) forgive(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f, ok := t.entries[key]; ok {
		f.Forgive()
	}
}

// reset forgets every failure of key.
func (t *Throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, key)
}

func (t *Throttle) entry(key string) *domain.Failures {
	f, ok := t.entries[key]
	if !ok {
		f = &domain.Failures{}
		t.entries[key] = f
	}
	return f
}

func (t *Throttle) sweepLocked(now time.Time) {
	t.ops++
	if t.ops%sweepEvery != 0 {
		return
	}
	for k, f := range t.entries {
		if t.policy.Empty(f, now) {
			delete(t.entries, k)
		}
	}
}
