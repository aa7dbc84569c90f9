package stats

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"no samples give zero", nil, 0.5, 0},
		{"one sample is every percentile", ms(7), 0.99, 7 * time.Millisecond},
		{"the median of an odd set is its middle", ms(1, 2, 3, 4, 5), 0.5, 3 * time.Millisecond},
		{"the median of an even set is the lower middle by nearest rank", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of 1..100 ms is 99 ms", hundred, 0.99, 99 * time.Millisecond},
		{"p100 is the maximum", hundred, 1, 100 * time.Millisecond},
		{"p0 is the minimum", hundred, 0, time.Millisecond},
		{"a quantile above one is clamped to the maximum", ms(1, 2), 1.5, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.q); got != tt.want {
				t.Fatalf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
			}
		})
	}
}

func TestSummarizeSortsAndDescribesUnorderedSamples(t *testing.T) {
	in := ms(50, 10, 40, 20, 30)
	s := Summarize(in)
	want := Summary{Count: 5, Min: 10 * time.Millisecond, P50: 30 * time.Millisecond, P90: 50 * time.Millisecond,
		P99: 50 * time.Millisecond, Max: 50 * time.Millisecond, Mean: 30 * time.Millisecond}
	if s != want {
		t.Fatalf("Summarize = %+v, want %+v", s, want)
	}
	if in[0] != 50*time.Millisecond {
		t.Fatal("Summarize reordered the caller's slice")
	}
}

func TestRecorderCountsSamplesAndErrorsFromManyGoroutines(t *testing.T) {
	var r Recorder
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if i%10 == 0 {
				r.Fail(errors.New("boom"))
				return
			}
			r.Add(time.Duration(i) * time.Millisecond)
		})
	}
	wg.Wait()
	s, errs, last := r.Snapshot()
	if s.Count != 45 || errs != 5 || last == nil {
		t.Fatalf("snapshot = %d samples, %d errors, last %v; want 45, 5, an error", s.Count, errs, last)
	}
	if len(r.Samples()) != 45 {
		t.Fatalf("Samples() has %d entries, want 45", len(r.Samples()))
	}
}

func TestMsRoundsToHundredths(t *testing.T) {
	if got := Ms(1234567 * time.Nanosecond); got != 1.23 {
		t.Fatalf("Ms(1.234567ms) = %v, want 1.23", got)
	}
}
