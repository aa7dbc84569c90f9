package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/chassis/keyedlock"
)

// ConsumerConfig configures a Consumer. Zero values take the documented defaults.
type ConsumerConfig struct {
	// Group is the consumer group, an explicit constant such as "store-query". One durable queue
	// per group; replicas of a service share it.
	Group string
	// Bindings maps topic → routing keys (event types) to receive; "#" (or no keys) means all.
	Bindings map[string][]string
	// Prefetch is the AMQP QoS prefetch count (default 2 × Concurrency).
	Prefetch int
	// Concurrency bounds the handlers running at once (default 4).
	Concurrency int
	// MaxAttempts bounds deliveries of a failing message before it is dead-lettered (default 10:
	// with the default jittered backoff the attempts span 20–40 s, longer than a dependency restart such
	// as PostgreSQL's, which must not send the events it interrupted to the dead-letter queue).
	MaxAttempts int
	// Topology supplies the namespaced names.
	Topology Topology
	// Idempotency, when set, skips events the group already processed and records new ones.
	Idempotency IdempotencyStore
	// RetryBackoff is the delay before a failed message is retried (default 200 ms .. 10 s).
	RetryBackoff Backoff
	// HandlerTimeout bounds one handler call (default 30 s).
	HandlerTimeout time.Duration
	// LagInterval is how often the queue depth gauge is refreshed (default 10 s; < 0 disables).
	LagInterval time.Duration
	// Reconnect is the backoff between consumer session restarts (default 100 ms .. 5 s).
	Reconnect Backoff
}

func (c ConsumerConfig) withDefaults() ConsumerConfig {
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.Prefetch <= 0 {
		c.Prefetch = 2 * c.Concurrency
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.RetryBackoff == (Backoff{}) {
		c.RetryBackoff = Backoff{Initial: 200 * time.Millisecond, Max: 10 * time.Second}
	}
	if c.HandlerTimeout <= 0 {
		c.HandlerTimeout = 30 * time.Second
	}
	if c.LagInterval == 0 {
		c.LagInterval = 10 * time.Second
	}
	if c.Reconnect == (Backoff{}) {
		c.Reconnect = Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second}
	}
	return c
}

// Validate reports every configuration mistake.
func (c ConsumerConfig) Validate() error {
	var errs []error
	if c.Group == "" {
		errs = append(errs, errors.New("consumer group is required"))
	}
	if len(c.Bindings) == 0 {
		errs = append(errs, errors.New("at least one topic binding is required"))
	}
	for topic := range c.Bindings {
		if topic == "" {
			errs = append(errs, errors.New("binding with an empty topic"))
		}
	}
	return errors.Join(errs...)
}

// Consumer consumes a group's queue with manual acks, bounded concurrency, bounded redelivery,
// dead-lettering and optional idempotency. Create it with NewConsumer and call Run.
type Consumer struct {
	conn *Connection
	cfg  ConsumerConfig
	h    Handler
	log  *slog.Logger

	// inflight serialises work per event id, so concurrent duplicates in one process run one
	// after the other and the second sees the first's idempotency record.
	inflight keyedlock.Map
}

// NewConsumer returns a consumer for cfg.Group that calls h for every event.
func NewConsumer(conn *Connection, cfg ConsumerConfig, h Handler, log *slog.Logger) *Consumer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Consumer{conn: conn, cfg: cfg.withDefaults(), h: h, log: log.With("consumer_group", cfg.Group)}
}

// Run declares the topology, then consumes until ctx is done, re-opening its channel after
// broker or connection failures. On ctx done it stops taking messages, lets in-flight handlers
// finish (bounded by HandlerTimeout) and returns nil.
func (c *Consumer) Run(ctx context.Context) error {
	if err := c.cfg.Validate(); err != nil {
		return fmt.Errorf("consumer %s: %w", c.cfg.Group, err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	if c.cfg.LagInterval > 0 {
		wg.Go(func() { c.watchLag(ctx) })
	}
	for attempt := 1; ; attempt++ {
		started := time.Now()
		err := c.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > time.Minute {
			attempt = 1
		}
		c.log.WarnContext(ctx, "consumer session ended, restarting", "error", fmt.Sprint(err), "attempt", attempt)
		if Sleep(ctx, c.cfg.Reconnect.Delay(attempt)) != nil {
			return nil
		}
	}
}

// session runs one channel's worth of consumption.
func (c *Consumer) session(ctx context.Context) error {
	ch, err := c.conn.Channel(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = ch.Close() }()
	if err := c.cfg.Topology.DeclareGroup(ch, c.cfg.Group, c.cfg.Bindings); err != nil {
		return err
	}
	if err := ch.Qos(c.cfg.Prefetch, 0, false); err != nil {
		return fmt.Errorf("set prefetch: %w", err)
	}
	out, err := newSidePublisher(ctx, c.conn)
	if err != nil {
		return err
	}
	defer out.close()
	tag := fmt.Sprintf("%s-%s", c.conn.Name(), c.cfg.Group)
	deliveries, err := ch.Consume(c.cfg.Topology.Queue(c.cfg.Group), tag, false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume %s: %w", c.cfg.Topology.Queue(c.cfg.Group), err)
	}
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	c.log.InfoContext(ctx, "consumer started", "queue", c.cfg.Topology.Queue(c.cfg.Group))

	var workers sync.WaitGroup
	for range c.cfg.Concurrency {
		workers.Go(func() {
			for d := range deliveries {
				c.handle(ctx, out, d)
			}
		})
	}
	finished := make(chan struct{})
	go func() { workers.Wait(); close(finished) }()
	select {
	case <-ctx.Done():
		_ = ch.Cancel(tag, false)
		<-finished
		return nil
	case amqpErr := <-closed:
		<-finished
		return fmt.Errorf("channel closed: %v", amqpErr)
	case <-finished:
		return errors.New("delivery stream ended")
	}
}

// watchLag refreshes the queue-depth gauge with passive declares until ctx is done.
func (c *Consumer) watchLag(ctx context.Context) {
	var ch *amqp.Channel
	defer func() {
		if ch != nil {
			_ = ch.Close()
		}
	}()
	t := time.NewTicker(c.cfg.LagInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ch == nil || ch.IsClosed() {
			var err error
			if ch, err = c.conn.Channel(ctx); err != nil {
				ch = nil
				continue
			}
		}
		q, err := ch.QueueDeclarePassive(c.cfg.Topology.Queue(c.cfg.Group), true, false, false, false, nil)
		if err == nil {
			queueDepth.WithLabelValues(c.cfg.Group).Set(float64(q.Messages))
		}
		if ch.IsClosed() { // a failed passive declare closes the channel; reopen next tick
			continue
		}
		dlq, err := ch.QueueDeclarePassive(c.cfg.Topology.DeadLetterQueue(c.cfg.Group), true, false, false, false, nil)
		if err == nil {
			dlqDepth.WithLabelValues(c.cfg.Group).Set(float64(dlq.Messages))
		}
	}
}
