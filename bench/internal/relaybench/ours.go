package relaybench

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
)

// benchTopic is the logical topic the relay contenders publish on.
const benchTopic = "bench.relay.events"

// Outbox is our relay: rows added with outbox.Add in the producer's transaction, relayed by
// outbox.Relay (LISTEN/NOTIFY wake-up, batch claim, pipelined confirms).
type Outbox struct {
	pool     *pgxpool.Pool
	conn     *messaging.Connection
	topology messaging.Topology
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// NewOutbox migrates databaseURL (created if missing) and connects to the broker.
func NewOutbox(ctx context.Context, databaseURL, amqpURL, namespace string) (*Outbox, error) {
	pool, err := pgdb.Open(ctx, databaseURL, nil, outbox.Migration(1))
	if err != nil {
		return nil, fmt.Errorf("open outbox database: %w", err)
	}
	conn, err := messaging.Dial(ctx, amqpURL, slog.New(slog.DiscardHandler))
	if err != nil {
		pool.Close()
		return nil, err
	}
	o := &Outbox{pool: pool, conn: conn, topology: messaging.Topology{Namespace: namespace}}
	ch, err := conn.Channel(ctx)
	if err != nil {
		o.Close()
		return nil, err
	}
	defer ch.Close()
	if err := o.topology.DeclareExchange(ch, benchTopic); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// Name implements Contender.
func (o *Outbox) Name() string { return "outbox relay (ours)" }

// Exchange implements Contender.
func (o *Outbox) Exchange() (string, string) {
	return o.topology.Exchange(benchTopic), amqp.ExchangeTopic
}

func event(seq int) outbox.Event {
	return outbox.Event{Topic: benchTopic, EventType: "BenchEvent", EntityID: "bench-" + strconv.Itoa(seq),
		EntityVersion: 1, Payload: json.RawMessage(Payload(seq))}
}

// Backlog implements Contender: transactions of 100 events.
func (o *Outbox) Backlog(ctx context.Context, first, n int) error {
	for i := first; i < first+n; i += 100 {
		evs := make([]outbox.Event, 0, 100)
		for j := i; j < min(i+100, first+n); j++ {
			evs = append(evs, event(j))
		}
		if err := pgx.BeginFunc(ctx, o.pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, evs...) }); err != nil {
			return err
		}
	}
	return nil
}

// Start implements Contender.
func (o *Outbox) Start(ctx context.Context) error {
	rctx, cancel := context.WithCancel(ctx)
	o.cancel = cancel
	r := outbox.NewRelay(o.pool, o.conn, outbox.RelayConfig{Topology: o.topology, MetricsInterval: -1, Retention: -1}, nil)
	o.wg.Go(func() { _ = r.Run(rctx) })
	return nil
}

// Send implements Contender: one event in its own transaction.
func (o *Outbox) Send(ctx context.Context, seq int) (time.Time, error) {
	err := pgx.BeginFunc(ctx, o.pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, event(seq)) })
	return time.Now(), err
}

// Stop implements Contender.
func (o *Outbox) Stop() {
	if o.cancel != nil {
		o.cancel()
	}
	o.wg.Wait()
}

// Close releases the pool and the connection.
func (o *Outbox) Close() {
	o.conn.Close()
	o.pool.Close()
}

// Ceiling publishes the same payloads, wrapped in the same envelope, straight to the broker
// with publisher confirms (batches of 500 like the relay), no database involved.
type Ceiling struct {
	pub      *messaging.Publisher
	conn     *messaging.Connection
	topology messaging.Topology
	mu       sync.Mutex
	backlog  []int
}

// NewCeiling connects to the broker.
func NewCeiling(ctx context.Context, amqpURL, namespace string) (*Ceiling, error) {
	conn, err := messaging.Dial(ctx, amqpURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	t := messaging.Topology{Namespace: namespace}
	return &Ceiling{pub: messaging.NewPublisher(conn, t), conn: conn, topology: t}, nil
}

// Name implements Contender.
func (c *Ceiling) Name() string { return "publish with confirms (ceiling)" }

// Exchange implements Contender.
func (c *Ceiling) Exchange() (string, string) {
	return c.topology.Exchange(benchTopic), amqp.ExchangeTopic
}

func benchMessage(seq int) messaging.Message {
	return messaging.Message{Topic: benchTopic, RoutingKey: "BenchEvent", Envelope: messaging.Envelope{
		EventID: fmt.Sprintf("00000000-0000-4000-8000-%012d", seq), EventType: "BenchEvent", SchemaVersion: 1,
		EntityID: "bench-" + strconv.Itoa(seq), EntityVersion: 1, OccurredAt: time.Now(),
		TraceContext: map[string]string{}, Payload: Payload(seq),
	}}
}

// Backlog implements Contender: remembers what Start publishes.
func (c *Ceiling) Backlog(_ context.Context, first, n int) error {
	for i := first; i < first+n; i++ {
		c.backlog = append(c.backlog, i)
	}
	return nil
}

// Start implements Contender: publishes the backlog in batches of 500 with confirms.
func (c *Ceiling) Start(ctx context.Context) error {
	for i := 0; i < len(c.backlog); i += 500 {
		batch := make([]messaging.Message, 0, 500)
		for _, seq := range c.backlog[i:min(i+500, len(c.backlog))] {
			batch = append(batch, benchMessage(seq))
		}
		for _, err := range c.pub.PublishBatch(ctx, batch) {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// Send implements Contender: one confirmed publish; the clock starts before it.
func (c *Ceiling) Send(ctx context.Context, seq int) (time.Time, error) {
	at := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	return at, c.pub.Publish(ctx, benchTopic, "BenchEvent", benchMessage(seq).Envelope)
}

// Stop implements Contender.
func (c *Ceiling) Stop() {}

// Close closes the connection.
func (c *Ceiling) Close() {
	c.pub.Close()
	c.conn.Close()
}
