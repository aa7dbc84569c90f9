package mongo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
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
		// The goroutines started together with this one (a batch's documents) are runnable
		// now: letting them run first puts their requests into this write instead of the next.
		runtime.Gosched()
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

// errNotMatched reports a replacement that may have matched no record (the record is gone).
var errNotMatched = errors.New("replacement matched no record")

// bulkCombiner returns a combiner that writes its models to coll in one unordered bulk write
// (one command per kind of model) and reports each model's error. A bulk result only counts
// the replacements that matched, so when one did not, every replacement of that write is
// reported errNotMatched: its caller cannot know it was written, and re-reads.
func (s *Store) bulkCombiner(coll string) *combiner[mongo.WriteModel] {
	return &combiner[mongo.WriteModel]{write: func(ctx context.Context, models []mongo.WriteModel) []error {
		errs := make([]error, len(models))
		res, err := s.db.Collection(coll).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		var bulk mongo.BulkWriteException
		switch {
		case err == nil:
		case errors.As(err, &bulk) && bulk.WriteConcernError == nil:
			for _, we := range bulk.WriteErrors {
				if we.Index >= 0 && we.Index < len(errs) {
					errs[we.Index] = fmt.Errorf("write %s: %w", coll, we)
				}
			}
		default:
			for k := range errs {
				errs[k] = fmt.Errorf("write %s: %w", coll, err)
			}
			return errs
		}
		replaced := 0
		for k, m := range models {
			if _, ok := m.(*mongo.ReplaceOneModel); ok && errs[k] == nil {
				replaced++
			}
		}
		if replaced > 0 && (err != nil || res == nil || res.MatchedCount < int64(replaced)) {
			for k, m := range models {
				if _, ok := m.(*mongo.ReplaceOneModel); ok && errs[k] == nil {
					errs[k] = errNotMatched
				}
			}
		}
		return errs
	}}
}
