package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
)

const (
	benchTopic = messaging.TopicCharacteristics
	benchGroup = "outboxbench-latency"
)

type bench struct {
	o       options
	log     *slog.Logger
	dbName  string
	pool    *pgxpool.Pool
	conn    *messaging.Connection
	topo    messaging.Topology
	sink    *sink
	payload json.RawMessage
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func setup(ctx context.Context, o options, log *slog.Logger) (*bench, error) {
	b := &bench{o: o, log: log, dbName: "bench_outbox_" + randomHex(5), topo: messaging.Topology{Namespace: "bench" + randomHex(4) + "."}}
	admin, err := pgx.Connect(ctx, o.pgURL)
	if err != nil {
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{b.dbName}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	u, _ := url.Parse(o.pgURL)
	u.Path = "/" + b.dbName
	if err := migrate(ctx, u.String()); err != nil {
		b.teardown()
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		b.teardown()
		return nil, err
	}
	cfg.MaxConns = int32(max(o.producers+o.relays*(o.pipeline+2)+2, 8))
	if b.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		b.teardown()
		return nil, err
	}
	if b.conn, err = messaging.DialWith(ctx, messaging.DialConfig{URL: o.amqpURL, Name: b.topo.Namespace + "bench"}, log); err != nil {
		b.teardown()
		return nil, err
	}
	if b.sink, err = newSink(ctx, o.amqpURL, b.topo); err != nil {
		b.teardown()
		return nil, err
	}
	b.payload = makePayload(o.payloadBytes)
	return b, nil
}

func migrate(ctx context.Context, dbURL string) error {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer func(db *sql.DB) { _ = db.Close() }(db)
	p, err := goose.NewProvider(goose.DialectPostgres, db, nil, goose.WithGoMigrations(outbox.Migration(1)))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

func (b *bench) teardown() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if b.sink != nil {
		b.sink.close()
	}
	if b.conn != nil {
		if ch, err := b.conn.Channel(ctx); err == nil {
			_, _ = ch.QueueDelete(b.topo.Queue(benchGroup), false, false, false)
			_, _ = ch.QueueDelete(b.topo.DeadLetterQueue(benchGroup), false, false, false)
			_ = ch.ExchangeDelete(b.topo.Exchange(benchTopic), false, false)
			_ = ch.ExchangeDelete(b.topo.DeadLetterExchange(), false, false)
			_ = ch.Close()
		}
		b.conn.Close()
	}
	if b.pool != nil {
		b.pool.Close()
	}
	if admin, err := pgx.Connect(ctx, b.o.pgURL); err == nil {
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{b.dbName}.Sanitize()+" WITH (FORCE)")
		_ = admin.Close(ctx)
	}
}

func makePayload(size int) json.RawMessage {
	filler := strings.Repeat("x", max(size-80, 0))
	b, _ := json.Marshal(map[string]any{"id": uuid.NewString(), "name": "Download speed", "valueType": "number", "description": filler})
	return b
}

func (b *bench) envelope(i int) messaging.Envelope {
	return messaging.Envelope{
		EventID: uuid.NewString(), EventType: "CharacteristicUpdated", SchemaVersion: 1,
		EntityID: fmt.Sprintf("char-%d", i%100), EntityVersion: int64(i + 1), OccurredAt: time.Now().UTC(),
		CorrelationID: "bench", Payload: b.payload,
	}
}

// ceiling publishes the events straight to RabbitMQ with the relay's publisher and the same
// pipelining (a chunk is sent while the previous chunk's confirms are awaited), without any
// database work. It tries the relay's batch size and the largest chunk, and keeps the faster:
// the ceiling is the best raw publishing this machine managed in this run.
func (b *bench) ceiling(ctx context.Context) (throughput, error) {
	var best throughput
	for _, chunk := range []int{b.o.batchSize, 2048} {
		t, err := b.rawPublish(ctx, chunk)
		if err != nil {
			return throughput{}, err
		}
		if best.events == 0 || t.rate() > best.rate() {
			best = t
		}
	}
	return best, nil
}

func (b *bench) rawPublish(ctx context.Context, chunk int) (throughput, error) {
	msgs := make([]messaging.Message, b.o.events)
	for i := range msgs {
		msgs[i] = messaging.Message{Topic: benchTopic, Envelope: b.envelope(i)}
	}
	pub := messaging.NewPublisher(b.conn, b.topo)
	defer pub.Close()
	b.sink.reset()
	start := time.Now()
	var prev *messaging.Pending
	check := func(p *messaging.Pending) error {
		for i, err := range p.Wait(ctx) {
			if err != nil {
				return fmt.Errorf("publish %d: %w", i, err)
			}
		}
		return nil
	}
	for from := 0; from < len(msgs); from += chunk {
		next := pub.Send(ctx, msgs[from:min(from+chunk, len(msgs))])
		if prev != nil {
			if err := check(prev); err != nil {
				return throughput{}, err
			}
		}
		prev = next
	}
	if err := check(prev); err != nil {
		return throughput{}, err
	}
	confirmed := time.Since(start)
	if err := b.sink.waitFor(ctx, b.o.events); err != nil {
		return throughput{}, err
	}
	return throughput{events: b.o.events, confirmed: confirmed, consumed: time.Since(start), chunk: chunk}, nil
}

// relayThroughput commits the events to the outbox first, then times relays draining them.
func (b *bench) relayThroughput(ctx context.Context) (throughput, error) {
	const perTx = 100
	for start := 0; start < b.o.events; start += perTx {
		err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
			var evs []outbox.Event
			for i := start; i < min(start+perTx, b.o.events); i++ {
				e := b.envelope(i)
				evs = append(evs, outbox.Event{Topic: benchTopic, EventType: e.EventType, EntityID: e.EntityID,
					EntityVersion: e.EntityVersion, Payload: e.Payload, EventID: e.EventID})
			}
			return outbox.Add(ctx, tx, evs...)
		})
		if err != nil {
			return throughput{}, fmt.Errorf("fill outbox: %w", err)
		}
	}
	if _, err := b.pool.Exec(ctx, "VACUUM ANALYZE outbox"); err != nil {
		return throughput{}, err
	}
	b.sink.reset()
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	start := time.Now()
	for range b.o.relays {
		r := outbox.NewRelay(b.pool, b.conn, b.relayConfig(), b.log)
		wg.Go(func() { _ = r.Run(rctx) })
	}
	err := b.sink.waitFor(ctx, b.o.events)
	consumed := time.Since(start)
	stop()
	wg.Wait()
	if err != nil {
		return throughput{}, err
	}
	var confirmed time.Duration
	var last time.Time
	if err := b.pool.QueryRow(ctx, `SELECT max(published_at) FROM outbox`).Scan(&last); err == nil {
		confirmed = last.Sub(start)
	}
	return throughput{events: b.o.events, confirmed: confirmed, consumed: consumed}, nil
}

func (b *bench) relayConfig() outbox.RelayConfig {
	return outbox.RelayConfig{Topology: b.topo, BatchSize: b.o.batchSize, Pipeline: b.o.pipeline, MetricsInterval: -1, Retention: -1}
}

// sink consumes the bench topic on its own connection with auto-ack and counts arrivals.
type sink struct {
	conn  *amqp.Connection
	count atomic.Int64
	mu    sync.Mutex
	want  int64
	ready chan struct{}
}

func newSink(ctx context.Context, amqpURL string, topo messaging.Topology) (*sink, error) {
	conn, err := amqp.Dial(amqpURL)
	if err != nil {
		return nil, err
	}
	ch, err := conn.Channel()
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := topo.DeclareExchange(ch, benchTopic); err != nil {
		conn.Close()
		return nil, err
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err == nil {
		err = ch.QueueBind(q.Name, "#", topo.Exchange(benchTopic), false, nil)
	}
	var deliveries <-chan amqp.Delivery
	if err == nil {
		deliveries, err = ch.ConsumeWithContext(ctx, q.Name, "", true, true, false, false, nil)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	s := &sink{conn: conn, ready: make(chan struct{})}
	go func() {
		for range deliveries {
			n := s.count.Add(1)
			s.mu.Lock()
			if s.want > 0 && n >= s.want {
				close(s.ready)
				s.want = 0
			}
			s.mu.Unlock()
		}
	}()
	return s, nil
}

func (s *sink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count.Store(0)
	s.want = 0
	s.ready = make(chan struct{})
}

func (s *sink) waitFor(ctx context.Context, n int) error {
	s.mu.Lock()
	ready := s.ready
	if s.count.Load() >= int64(n) {
		s.mu.Unlock()
		return nil
	}
	s.want = int64(n)
	s.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for %d events, got %d: %w", n, s.count.Load(), ctx.Err())
	}
}

func (s *sink) close() { _ = s.conn.Close() }
