package load

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestClosedLoopRecordsOnlyTheMeasuredPhase(t *testing.T) {
	var calls atomic.Int64
	op := func(ctx context.Context, _ int64) error {
		calls.Add(1)
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
		}
		return nil
	}
	r := Closed(context.Background(), 4, 50*time.Millisecond, 100*time.Millisecond, op)
	if r.Latency.Count == 0 || int64(r.Latency.Count) >= calls.Load() {
		t.Fatalf("measured %d of %d calls; want some, and fewer than all (warm-up discarded)", r.Latency.Count, calls.Load())
	}
	if r.Throughput() <= 0 || r.Errors != 0 {
		t.Fatalf("throughput %v, errors %d", r.Throughput(), r.Errors)
	}
}

func TestClosedLoopCountsFailures(t *testing.T) {
	r := Closed(context.Background(), 2, 0, 50*time.Millisecond, func(context.Context, int64) error {
		return errors.New("nope")
	})
	if r.Errors == 0 || r.Latency.Count != 0 || r.LastErr == nil {
		t.Fatalf("errors %d, successes %d, last %v; want only failures", r.Errors, r.Latency.Count, r.LastErr)
	}
}

func TestOpenLoopStartsTheOfferedNumberOfOperations(t *testing.T) {
	var calls atomic.Int64
	r := Open(context.Background(), 200, 250*time.Millisecond, 16, time.Second, func(context.Context, int64) error {
		calls.Add(1)
		return nil
	})
	if r.Started != 50 || calls.Load() != 50 || r.Latency.Count != 50 {
		t.Fatalf("started %d, called %d, measured %d; want 50 each", r.Started, calls.Load(), r.Latency.Count)
	}
}

func TestOpenLoopDropsWhatFindsEverySlotBusy(t *testing.T) {
	release := make(chan struct{})
	r := Open(context.Background(), 1000, 50*time.Millisecond, 2, 10*time.Millisecond, func(ctx context.Context, _ int64) error {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	close(release)
	if r.Dropped == 0 || r.Errors < int(r.Dropped) {
		t.Fatalf("dropped %d, errors %d; want drops counted as errors", r.Dropped, r.Errors)
	}
}
