package amqp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

// harness runs the real consumer against the real broker and a fresh database.
type harness struct {
	t    *testing.T
	pool *pgxpool.Pool
	pub  *messaging.Publisher
}

func start(t *testing.T) *harness {
	t.Helper()
	migs, err := migrations.For("characteristic")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	env := messagingtest.New(t)
	env.TrackGroup(amqp.Group)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := app.New(postgres.NewRepository(pool, nil), postgres.NewReferences(pool))
	consumer := messaging.NewConsumer(env.Conn, messaging.ConsumerConfig{
		Group: amqp.Group, Bindings: map[string][]string{messaging.TopicSpecifications: {"#"}}, Topology: env.Topology,
		// One message at a time keeps arrival order, which the marker events below rely on.
		Concurrency: 1, Prefetch: 1,
	}, amqp.Handler(svc, log), log)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := consumer.Run(ctx); err != nil {
			t.Errorf("consumer: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	pub := messaging.NewPublisher(env.Conn, env.Topology)
	t.Cleanup(pub.Close)
	return &harness{t: t, pool: pool, pub: pub}
}

// publish sends a specification event, retrying while the consumer's queue is not bound yet.
func (h *harness) publish(e messaging.Envelope) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := h.pub.Publish(ctx, messaging.TopicSpecifications, e.EventType, e)
		cancel()
		if err == nil {
			return
		}
		if !errors.Is(err, messaging.ErrUnroutable) || time.Now().After(deadline) {
			h.t.Fatalf("publish: %v", err)
		}
	}
}

func specEvent(eventType string, spec uuid.UUID, version int64, chars ...uuid.UUID) messaging.Envelope {
	ids := make([]string, len(chars))
	for i, c := range chars {
		ids[i] = c.String()
	}
	payload, _ := json.Marshal(map[string]any{"id": spec.String(), "name": "spec", "characteristic_ids": ids})
	return messaging.Envelope{
		EventID: uuid.NewString(), EventType: eventType, SchemaVersion: 1, EntityID: spec.String(),
		EntityVersion: version, OccurredAt: time.Now().UTC(), Payload: payload,
	}
}

// waitFor polls the stored reference of spec until ok accepts it.
func (h *harness) waitFor(spec uuid.UUID, what string, ok func(ids []uuid.UUID, version int64, deleted bool) bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var (
			ids     []uuid.UUID
			version int64
			deleted bool
		)
		err := h.pool.QueryRow(context.Background(),
			`SELECT characteristic_ids, version, deleted FROM specification_references WHERE specification_id = $1`, spec).
			Scan(&ids, &version, &deleted)
		if err == nil && ok(ids, version, deleted) {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s (last: %v v%d deleted=%v err=%v)", what, ids, version, deleted, err)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-h.t.Context().Done():
			h.t.Fatal("test cancelled")
		}
	}
}

func TestSpecificationEventsBecomeReferences(t *testing.T) {
	t.Parallel()
	h := start(t)
	spec, a, b, c := uuid.New(), uuid.New(), uuid.New(), uuid.New()

	created := specEvent("SpecificationCreated", spec, 1, a, b)
	h.publish(created)
	h.waitFor(spec, "the created references", func(ids []uuid.UUID, v int64, _ bool) bool { return v == 1 && len(ids) == 2 })

	h.publish(specEvent("SpecificationUpdated", spec, 3, c))
	h.waitFor(spec, "the updated references", func(ids []uuid.UUID, v int64, _ bool) bool { return v == 3 && len(ids) == 1 && ids[0] == c })

	// An older update and a redelivered Created arrive late; a marker event on another
	// specification, published after them, tells when they have been handled.
	h.publish(specEvent("SpecificationUpdated", spec, 2, a))
	h.publish(created)
	marker := uuid.New()
	h.publish(specEvent("SpecificationCreated", marker, 1, a))
	h.waitFor(marker, "the marker", func(_ []uuid.UUID, v int64, _ bool) bool { return v == 1 })
	h.waitFor(spec, "the stale events to be ignored", func(ids []uuid.UUID, v int64, _ bool) bool { return v == 3 && len(ids) == 1 && ids[0] == c })

	h.publish(specEvent("SpecificationDeleted", spec, 4))
	h.waitFor(spec, "the tombstone", func(ids []uuid.UUID, v int64, deleted bool) bool { return v == 4 && deleted && len(ids) == 0 })
}
