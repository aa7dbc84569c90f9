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
	// BatchSize is the most rows claimed and published per transaction (default 500).
	BatchSize int
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
	// DropUnroutable marks rows the broker returned as unroutable (no queue bound) as published
	// instead of retrying them. Default false: events wait until some queue is bound.
	DropUnroutable bool
}

func (c RelayConfig) withDefaults() RelayConfig {
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
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
	pool *pgxpool.Pool
	pub  *messaging.Publisher
	cfg  RelayConfig
	log  *slog.Logger
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
// capped exponential backoff; Run itself does not give up.
func (r *Relay) Run(ctx context.Context) error {
	defer r.pub.Close()
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
	poll := time.NewTimer(r.cfg.PollInterval)
	defer poll.Stop()
	failures := 0
	for ctx.Err() == nil {
		n, err := r.relayBatch(ctx)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			failures++
			relayErrorsTotal.Inc()
			r.log.WarnContext(ctx, "outbox batch failed", "error", err.Error(), "consecutive_failures", failures)
			_ = messaging.Sleep(ctx, r.cfg.Backoff.Delay(failures))
			continue
		}
		failures = 0
		if n > 0 {
			continue // more may be pending; an empty claim is cheap
		}
		poll.Reset(r.cfg.PollInterval)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-poll.C:
		}
	}
	return nil
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
