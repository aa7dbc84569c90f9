package messaging

import (
	"testing"
	"time"
)

func TestBackoffCeilingDoublesUpToTheCap(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second}
	tests := []struct {
		name    string
		attempt int
		want    time.Duration
	}{
		{"attempt zero counts as the first", 0, 100 * time.Millisecond},
		{"first attempt waits the initial delay", 1, 100 * time.Millisecond},
		{"second attempt doubles", 2, 200 * time.Millisecond},
		{"fourth attempt is eight times the initial", 4, 800 * time.Millisecond},
		{"fifth attempt is capped", 5, time.Second},
		{"a huge attempt stays capped without overflow", 1 << 30, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Ceiling(tt.attempt); got != tt.want {
				t.Errorf("Ceiling(%d) = %v, want %v", tt.attempt, got, tt.want)
			}
		})
	}
}

func TestBackoffDelayIsJitteredWithinHalfAndFullCeiling(t *testing.T) {
	b := Backoff{Initial: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	for attempt := 1; attempt <= 6; attempt++ {
		c := b.Ceiling(attempt)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := b.Delay(attempt)
			if d < c/2 || d > c {
				t.Fatalf("Delay(%d) = %v outside [%v, %v]", attempt, d, c/2, c)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("Delay(%d) took only %d distinct values in 200 draws: no jitter", attempt, len(seen))
		}
	}
}

func TestBackoffDefaultsApplyToTheZeroValue(t *testing.T) {
	var b Backoff
	if got := b.Ceiling(1); got != 100*time.Millisecond {
		t.Errorf("zero Backoff first ceiling = %v, want 100ms", got)
	}
	if got := b.Ceiling(100); got != 30*time.Second {
		t.Errorf("zero Backoff cap = %v, want 30s", got)
	}
}

// A dependency restart (PostgreSQL took ~9 s in the fault suite) must not exhaust the default
// attempts: even with the shortest jitter, the retries of a failing event span 15 s or more.
func TestDefaultRetriesOutlastADependencyRestart(t *testing.T) {
	cfg := ConsumerConfig{}.withDefaults()
	var shortest time.Duration
	for attempt := 1; attempt < cfg.MaxAttempts; attempt++ {
		shortest += cfg.RetryBackoff.Ceiling(attempt) / 2 // Delay is never below half the ceiling
	}
	if shortest < 15*time.Second {
		t.Fatalf("default retries span as little as %s before dead-lettering; want at least 15s", shortest)
	}
}
