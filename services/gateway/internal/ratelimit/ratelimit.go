// Package ratelimit is a keyed token-bucket rate limiter (one bucket per client IP or per user).
package ratelimit

import (
	"hash/maphash"
	"math"
	"sync"
	"time"
)

const shards = 16

// maxKeysPerShard bounds memory: when a shard grows past it, buckets that have refilled
// completely (indistinguishable from new ones) are dropped.
const maxKeysPerShard = 8192

// Limiter allows up to PerMinute requests per key and minute, with bursts up to PerMinute.
// A nil *Limiter allows everything. It is safe for concurrent use.
type Limiter struct {
	maxKeys  int // per shard
	capacity float64
	perSec   float64
	seed     maphash.Seed
	shards   [shards]shard
}

type shard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter of perMinute requests per key, or nil (no limit) when perMinute <= 0.
func New(perMinute int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	l := &Limiter{maxKeys: maxKeysPerShard, capacity: float64(perMinute), perSec: float64(perMinute) / 60,
		seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = make(map[string]*bucket)
	}
	return l
}

// Allow takes one token from key's bucket at time now. When the bucket is empty it returns
// false and how long until a token is available.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	s := &l.shards[maphash.String(l.seed, key)%shards]
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[key]
	if !ok {
		if len(s.buckets) >= l.maxKeys {
			l.sweep(s, now)
		}
		b = &bucket{tokens: l.capacity, last: now}
		s.buckets[key] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(l.capacity, b.tokens+elapsed.Seconds()*l.perSec)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.perSec * float64(time.Second))
	return false, wait
}

// sweep drops the buckets that would be full by now; if that frees nothing, it forgets the
// whole shard (briefly lenient rather than unbounded memory). The caller holds s.mu.
func (l *Limiter) sweep(s *shard, now time.Time) {
	for k, b := range s.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.perSec >= l.capacity {
			delete(s.buckets, k)
		}
	}
	if len(s.buckets) >= l.maxKeys {
		clear(s.buckets)
	}
}

// RetryAfterSeconds rounds a wait up to whole seconds for the Retry-After header (at least 1).
func RetryAfterSeconds(wait time.Duration) int {
	s := int(math.Ceil(wait.Seconds()))
	if s < 1 {
		return 1
	}
	return s
}
