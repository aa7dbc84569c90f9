package mongo

import (
	"context"
	"sync"
	"time"
)

// combiner joins the requests that arrive while one write is under way into the next write:
// under load many goroutines write at the same moment (the events of a batch, concurrent saga
// steps), and FerretDB costs ~0.3 ms of CPU per command however many records it carries.
// Each caller returns once the write carrying its request is done.
type combiner[T any] struct {
	// write stores the requests and returns each one's error.
	write func(ctx context.Context, reqs []T) []error

	mu       sync.Mutex
	waiting  []combined[T]
	flushing bool // a caller is writing the waiting requests
}

type combined[T any] struct {
	req  T
	done chan error
}

// combinedTimeout bounds one write: the caller that runs it writes the others' requests too, so
// its own context does not decide for them.
const combinedTimeout = 10 * time.Second

// do writes req, together with whatever else waits, and returns its error.
func (c *combiner[T]) do(ctx context.Context, req T) error {
	r := combined[T]{req: req, done: make(chan error, 1)}
	c.mu.Lock()
	c.waiting = append(c.waiting, r)
	lead := !c.flushing
	c.flushing = true
	c.mu.Unlock()
	if lead {
		c.flush(context.WithoutCancel(ctx))
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush writes the waiting requests until none is left, each write taking all that wait.
func (c *combiner[T]) flush(ctx context.Context) {
	for {
		c.mu.Lock()
		batch := c.waiting
		c.waiting = nil
		if len(batch) == 0 {
			c.flushing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		reqs := make([]T, len(batch))
		for k, r := range batch {
			reqs[k] = r.req
		}
		wctx, cancel := context.WithTimeout(ctx, combinedTimeout)
		errs := c.write(wctx, reqs)
		cancel()
		for k, r := range batch {
			r.done <- errs[k]
		}
	}
}

// pending reports how many requests wait for a write.
func (c *combiner[T]) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiting)
}
