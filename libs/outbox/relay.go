package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/messaging"
)

// RelayConfig tunes a Relay. Zero values take the documented defaults.
type RelayConfig struct {
	// Topology supplies the namespaced exchange names.
	Topology messaging.Topology
	// BatchSize is the most rows claimed and published per transaction (default 500, max 4096).
	BatchSize int
	// Pipeline is how many batches may be in flight at once (default 2, max 8): while one
	// batch waits for its confirms the next is claimed and sent. Each in-flight batch holds one
	// of the relay's own Pipeline connections in an open transaction (see Relay.Run).
	// 1 = strictly one batch at a time.
	Pipeline int
	// PollInterval is the fallback poll when no notification arrives (default 1 s): a missed
	// NOTIFY only delays events by at most this much.
	PollInterval time.Duration
	// Retention keeps published rows this long before pruning (default 24 h; < 0 never prunes).
	Retention time.Duration
	// PruneInterval is how often published rows past Retention are deleted (default 1 min).
	PruneInterval time.Duration
	// MetricsInterval is how often the pending gauges are refreshed (default 5 s; < 0 disables).
	MetricsInterval time.Duration
	// Backoff is the pause after a failed batch (database or broker down): default 100 ms .. 10 s.
	Backoff messaging.Backoff
	// RetryBackoff delays a single row after a message-level failure (unroutable, nacked):
	// default 1 s .. 5 min. Later rows of the same entity wait behind it, keeping entity order.
	RetryBackoff messaging.Backoff
	// ConfirmTimeout bounds the wait for a batch's publisher confirms (default 30 s); unconfirmed
	// messages are retried.
	ConfirmTimeout time.Duration
	// DropUnroutable marks rows the broker returned as unroutable (no queue bound) as published
	// instead of retrying them. Default false: events wait until some queue is bound.
	DropUnroutable bool
}

func (c RelayConfig) withDefaults() RelayConfig {
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	c.BatchSize = min(c.BatchSize, 4096)
	if c.Pipeline <= 0 {
		c.Pipeline = 2
	}
	c.Pipeline = min(c.Pipeline, 8)
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.Retention == 0 {
		c.Retention = 24 * time.Hour
	}
	if c.PruneInterval <= 0 {
		c.PruneInterval = time.Minute
	}
	if c.MetricsInterval == 0 {
		c.MetricsInterval = 5 * time.Second
	}
	if c.ConfirmTimeout <= 0 {
		c.ConfirmTimeout = 30 * time.Second
	}
	if c.Backoff == (messaging.Backoff{}) {
		c.Backoff = messaging.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second}
	}
	if c.RetryBackoff == (messaging.Backoff{}) {
		c.RetryBackoff = messaging.Backoff{Initial: time.Second, Max: 5 * time.Minute}
	}
	return c
}

// Relay moves committed outbox rows to RabbitMQ. Several relays (replicas) may run on one table:
// each claims its own rows with FOR UPDATE SKIP LOCKED.
type Relay struct {
	pool *pgxpool.Pool // the service's pool: pruning and the pending gauges
	// claims holds the connections of claim transactions while Run runs (see openClaimPool).
	claims *pgxpool.Pool
	pub    *messaging.Publisher
	cfg    RelayConfig
	log    *slog.Logger
}

// NewRelay returns a relay publishing pool's outbox rows through conn.
func NewRelay(pool *pgxpool.Pool, conn *messaging.Connection, cfg RelayConfig, log *slog.Logger) *Relay {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	return &Relay{pool: pool, pub: messaging.NewPublisher(conn, cfg.Topology), cfg: cfg, log: log.With("component", "outbox-relay")}
}

// Run relays until ctx is done, then returns nil. Database and broker failures are retried with
// capped exponential backoff; Run itself does not give up. Batches in flight when ctx ends get a
// short grace period for their confirms, so a clean stop republishes little.
//
// Besides the listener's connection, Run opens up to Pipeline connections of its own for the
// claim transactions (same settings as the pool given to NewRelay), so relaying never queues
// behind the service's own queries for a pool connection, nor takes connections from them.
// They are closed when Run returns.
func (r *Relay) Run(ctx context.Context) error {
	defer r.pub.Close()
	claims, err := r.openClaimPool(ctx)
	if err != nil {
		return err
	}
	r.claims = claims
	defer claims.Close()
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { r.listen(ctx, wake) })
	if r.cfg.Retention > 0 {
		wg.Go(func() { r.pruneLoop(ctx) })
	}
	if r.cfg.MetricsInterval > 0 {
		wg.Go(func() { r.metricsLoop(ctx) })
	}

	// The completer finishes sent batches in send order: await confirms, mark, commit.
	inflight := make(chan *batch, r.cfg.Pipeline)
	slots := make(chan struct{}, r.cfg.Pipeline)
	results := make(chan error, r.cfg.Pipeline)
	var completer sync.WaitGroup
	completer.Go(func() {
		for b := range inflight {
			err := r.complete(ctx, b)
			<-slots
			select {
			case results <- err:
			case <-ctx.Done(): // Run has stopped reading outcomes
			}
		}
	})
	defer completer.Wait()
	defer close(inflight)

	poll := time.NewTimer(r.cfg.PollInterval)
	defer poll.Stop()
	failures := 0
	for ctx.Err() == nil {
		if failed := drainResults(results, &failures); failed != nil {
			r.fail(ctx, failed, failures)
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		case err := <-results: // wait for a slot; results free slots
			if err != nil {
				failures++
				r.fail(ctx, err, failures)
			} else {
				failures = 0
			}
			continue
		}
		b, err := r.claimAndSend(ctx)
		if err != nil {
			<-slots
			if ctx.Err() == nil {
				failures++
				r.fail(ctx, err, failures)
			}
			continue
		}
		if b != nil {
			inflight <- b
			continue // more may be pending; an empty claim is cheap
		}
		<-slots
		poll.Reset(r.cfg.PollInterval)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-poll.C:
		case err := <-results:
			if err != nil {
				failures++
				r.fail(ctx, err, failures)
			} else {
				failures = 0
			}
		}
	}
	return nil
}

// openClaimPool opens the relay's own pool for claim transactions: Pipeline connections
// configured like the service's pool, with synchronous_commit off. The relay's transactions
// only record that rows were published (or why not); should the server crash before such a
// commit reaches disk, those rows are simply published again — the at-least-once delivery that
// consumers already absorb with their processed-event ids. The producers' transactions, which
// create the events, keep the server's durability. Not waiting for that flush takes a disk
// write off every batch's critical path.
func (r *Relay) openClaimPool(ctx context.Context) (*pgxpool.Pool, error) {
	cfg := r.pool.Config()
	cfg.MaxConns = int32(r.cfg.Pipeline)
	cfg.MinConns = 1
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("outbox relay pool: %w", err)
	}
	return p, nil
}

// drainResults consumes finished batches' outcomes without blocking; it returns the first
// failure and counts consecutive failures (a success resets the count).
func drainResults(results <-chan error, failures *int) error {
	var first error
	for {
		select {
		case err := <-results:
			if err == nil {
				*failures = 0
				continue
			}
			*failures++
			if first == nil {
				first = err
			}
		default:
			return first
		}
	}
}

func (r *Relay) fail(ctx context.Context, err error, failures int) {
	relayErrorsTotal.Inc()
	r.log.WarnContext(ctx, "outbox batch failed", "error", err.Error(), "consecutive_failures", failures)
	_ = messaging.Sleep(ctx, r.cfg.Backoff.Delay(max(failures, 1)))
}

// wakeUp signals the main loop without blocking.
func wakeUp(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}

// errBatch wraps the error of a failed batch.
var errBatch = errors.New("relay batch")

func batchErr(stage string, err error) error {
	return fmt.Errorf("%w: %s: %w", errBatch, stage, err)
}
