package messaging

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff computes capped exponential delays with jitter: the n-th attempt waits a random time in
// [d/2, d] where d = min(Max, Initial·2^(n-1)). Jitter spreads replicas that failed together.
type Backoff struct {
	// Initial is the ceiling of the first delay (default 100 ms).
	Initial time.Duration
	// Max caps every delay (default 30 s).
	Max time.Duration
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 100 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	return b
}

// Ceiling is the delay before jitter for the given attempt (attempt < 1 counts as 1).
func (b Backoff) Ceiling(attempt int) time.Duration {
	b = b.withDefaults()
	d := b.Initial
	for i := 1; i < attempt; i++ {
		if d >= b.Max/2 {
			return b.Max
		}
		d *= 2
	}
	return min(d, b.Max)
}

// Delay is the jittered delay for the given attempt, in [Ceiling/2, Ceiling].
func (b Backoff) Delay(attempt int) time.Duration {
	c := b.Ceiling(attempt)
	half := c / 2
	return half + rand.N(c-half+1)
}

// Sleep waits for d or until ctx is done, returning ctx.Err() in the latter case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
