// Package stats turns latency samples into the percentiles the benchmark report shows.
package stats

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Percentile returns the q-th quantile (0 ≤ q ≤ 1) of sorted by the nearest-rank method: the
// smallest sample such that at least q of all samples are ≤ it. It returns 0 for no samples.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if q <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(q * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Summary describes a set of latency samples.
type Summary struct {
	Count int
	Min   time.Duration
	P50   time.Duration
	P90   time.Duration
	P99   time.Duration
	Max   time.Duration
	Mean  time.Duration
}

// Summarize sorts a copy of samples and computes their Summary.
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Summary{
		Count: len(s), Min: s[0], Max: s[len(s)-1], Mean: sum / time.Duration(len(s)),
		P50: Percentile(s, 0.50), P90: Percentile(s, 0.90), P99: Percentile(s, 0.99),
	}
}

// Recorder collects latency samples and error counts from many goroutines.
type Recorder struct {
	mu      sync.Mutex
	samples []time.Duration
	errors  int
	lastErr error
}

// Add records one successful operation's latency.
func (r *Recorder) Add(d time.Duration) {
	r.mu.Lock()
	r.samples = append(r.samples, d)
	r.mu.Unlock()
}

// Fail records one failed operation.
func (r *Recorder) Fail(err error) {
	r.mu.Lock()
	r.errors++
	r.lastErr = err
	r.mu.Unlock()
}

// Snapshot returns the summary of what was recorded, the error count and the last error.
func (r *Recorder) Snapshot() (Summary, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Summarize(r.samples), r.errors, r.lastErr
}

// Samples returns a copy of the recorded latencies.
func (r *Recorder) Samples() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.samples)
}

// Ms formats a duration as milliseconds with two decimals, as the report tables show them.
func Ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*100) / 100
}
