package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

func TestLimiterAllowsABurstThenRefusesWithTheWait(t *testing.T) {
	t.Parallel()
	l := New(3) // 3 per minute: one token every 20 s
	now := time.Unix(1000, 0)
	for i := range 3 {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("request %d refused inside the burst", i+1)
		}
	}
	ok, wait := l.Allow("a", now)
	if ok {
		t.Fatal("fourth request allowed")
	}
	if wait != 20*time.Second {
		t.Fatalf("wait = %v, want 20s", wait)
	}
	if got := RetryAfterSeconds(wait); got != 20 {
		t.Fatalf("Retry-After = %d, want 20", got)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key shares the bucket")
	}
	if ok, _ := l.Allow("a", now.Add(19*time.Second)); ok {
		t.Fatal("allowed before a token refilled")
	}
	if ok, _ := l.Allow("a", now.Add(20*time.Second)); !ok {
		t.Fatal("refused after a token refilled")
	}
}

func TestLimiterNeverRefillsPastCapacity(t *testing.T) {
	t.Parallel()
	l := New(2)
	now := time.Unix(0, 0)
	l.Allow("k", now)
	later := now.Add(time.Hour)
	allowed := 0
	for range 5 {
		if ok, _ := l.Allow("k", later); ok {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("allowed %d after a long idle, want the capacity 2", allowed)
	}
}

func TestZeroRateMeansNoLimit(t *testing.T) {
	t.Parallel()
	l := New(0)
	for range 1000 {
		if ok, _ := l.Allow("k", time.Now()); !ok {
			t.Fatal("a disabled limiter refused")
		}
	}
}

func TestLimiterForgetsRefilledBucketsWhenFull(t *testing.T) {
	t.Parallel()
	l := New(60)
	l.maxKeys = 64
	now := time.Unix(0, 0)
	for i := range shards * l.maxKeys * 4 {
		l.Allow(strconv.Itoa(i), now)
		now = now.Add(time.Millisecond)
	}
	total := 0
	for i := range l.shards {
		total += len(l.shards[i].buckets)
	}
	if total > shards*l.maxKeys {
		t.Fatalf("%d buckets kept, bound is %d", total, shards*l.maxKeys)
	}
}
