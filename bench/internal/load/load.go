// Package load drives operations against a target: closed loop (a fixed number of workers,
// each issuing the next request when the previous one answered) and open loop (requests
// started at a fixed rate whatever the answers do, latency measured from the intended start so
// queueing is not hidden). Every run is bounded in time and in requests in flight.
package load

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/stats"
)

// Op performs one operation; i numbers the operations of a run from 0.
type Op func(ctx context.Context, i int64) error

// Result is what one run measured.
type Result struct {
	Latency  stats.Summary
	Errors   int
	LastErr  error
	Elapsed  time.Duration
	Started  int64 // operations started (open loop: offered)
	Dropped  int64 // open loop: operations not started because MaxInFlight were busy
	Samples  []time.Duration
	Complete int64
}

// Throughput is the rate of successful operations per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Latency.Count) / r.Elapsed.Seconds()
}

// Closed runs op from conc workers for d after a warm-up of warm (whose samples are
// discarded), and returns the measured part.
func Closed(ctx context.Context, conc int, warm, d time.Duration, op Op) Result {
	var seq atomic.Int64
	if warm > 0 {
		closedPhase(ctx, conc, warm, op, &seq, nil)
	}
	var rec stats.Recorder
	start := time.Now()
	closedPhase(ctx, conc, d, op, &seq, &rec)
	elapsed := time.Since(start)
	s, errs, last := rec.Snapshot()
	return Result{Latency: s, Errors: errs, LastErr: last, Elapsed: elapsed, Started: int64(s.Count + errs),
		Complete: int64(s.Count), Samples: rec.Samples()}
}

func closedPhase(ctx context.Context, conc int, d time.Duration, op Op, seq *atomic.Int64, rec *stats.Recorder) {
	// Workers stop starting operations at the deadline; one in flight then runs to its end and
	// counts, so slow operations are not silently left out of the percentiles.
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t0 := time.Now()
				err := op(ctx, seq.Add(1)-1)
				if rec == nil {
					continue // warm-up
				}
				if err != nil {
					rec.Fail(err)
					continue
				}
				rec.Add(time.Since(t0))
			}
		})
	}
	wg.Wait()
}

// Open starts op rate times per second for d (at most maxInFlight at once; a start that finds
// them all busy is counted as dropped and as an error), waits up to grace for the stragglers,
// and reports latencies measured from each operation's scheduled start.
func Open(ctx context.Context, rate float64, d time.Duration, maxInFlight int, grace time.Duration, op Op) Result {
	var rec stats.Recorder
	interval := time.Duration(float64(time.Second) / rate)
	total := int64(d.Seconds() * rate)
	sem := make(chan struct{}, maxInFlight)
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var dropped int64
	start := time.Now()
	var i int64
	for i = 0; i < total && ctx.Err() == nil; i++ {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		select {
		case sem <- struct{}{}:
		default:
			dropped++
			rec.Fail(errDropped)
			continue
		}
		n := i
		wg.Go(func() {
			defer func() { <-sem }()
			if err := op(opCtx, n); err != nil {
				rec.Fail(err)
				return
			}
			rec.Add(time.Since(due))
		})
	}
	sent := time.Since(start)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		cancel()
		<-done
	}
	s, errs, last := rec.Snapshot()
	return Result{Latency: s, Errors: errs, LastErr: last, Elapsed: sent, Started: i, Dropped: dropped,
		Complete: int64(s.Count), Samples: rec.Samples()}
}

type dropError struct{}

func (dropError) Error() string { return "dropped: every in-flight slot was busy" }

var errDropped error = dropError{}
