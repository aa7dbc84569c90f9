package domain

import (
	"fmt"
	"time"
)

// ThrottledError means too many failed attempts came from one username or client address;
// the caller may try again after RetryAfter.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed login attempts, retry in %s", e.RetryAfter.Round(time.Second))
}

// ThrottlePolicy bounds failed attempts per key within a sliding window.
type ThrottlePolicy struct {
	MaxFailures int
	Window      time.Duration
}

// Failures is the recent failure history of one key (a username or a client address). The
// zero value is an empty history. It keeps at most MaxFailures timestamps.
type Failures struct {
	times []time.Time // oldest first
}

// Blocked reports whether another attempt must be refused at now, and for how long.
func (p ThrottlePolicy) Blocked(f *Failures, now time.Time) (time.Duration, bool) {
	if p.MaxFailures <= 0 {
		return 0, false
	}
	f.prune(p.Window, now)
	if len(f.times) < p.MaxFailures {
		return 0, false
	}
	// The attempt becomes possible once the oldest counted failure leaves the window.
	wait := f.times[len(f.times)-p.MaxFailures].Add(p.Window).Sub(now)
	return max(wait, time.Second), true
}

// Record adds a failure at now.
func (p ThrottlePolicy) Record(f *Failures, now time.Time) {
	f.prune(p.Window, now)
	f.times = append(f.times, now)
	if extra := len(f.times) - max(p.MaxFailures, 1); extra > 0 {
		f.times = append(f.times[:0], f.times[extra:]...)
	}
}

// Empty reports whether the history holds no failure still inside the window at now.
func (p ThrottlePolicy) Empty(f *Failures, now time.Time) bool {
	f.prune(p.Window, now)
	return len(f.times) == 0
}

func (f *Failures) prune(window time.Duration, now time.Time) {
	i := 0
	for i < len(f.times) && !f.times[i].Add(window).After(now) {
		i++
	}
	if i > 0 {
		f.times = append(f.times[:0], f.times[i:]...)
	}
}

// Forgive removes the most recent failure (an attempt reserved in advance that succeeded).
func (f *Failures) Forgive() {
	if len(f.times) > 0 {
		f.times = f.times[:len(f.times)-1]
	}
}

// Reset forgets every failure.
func (f *Failures) Reset() { f.times = f.times[:0] }
