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

	"github.com/tmfcatalog/platform/services/specification/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// noDirectory fails every lookup: the consumer never needs one.
type noDirectory struct{}

func (noDirectory) Lookup(context.Context, uuid.UUID) (domain.Characteristic, bool, error) {
	return domain.Characteristic{}, false, errors.New("no lookups in consumer tests")
}

// harness runs the real consumer against the real broker and a fresh database.
type harness struct {
	t    *testing.T
	pool *pgxpool.Pool
	pub  *messaging.Publisher
}

func start(t *testing.T) *harness {
	t.Helper()
	migs, err := migrations.For("specification")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	env := messagingtest.New(t)
	env.TrackGroup(amqp.Group)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := app.New(postgres.NewRepository(pool, nil), postgres.NewReplica(pool), noDirectory{}, postgres.NewOfferings(pool))
	consumer := messaging.NewConsumer(env.Conn, messaging.ConsumerConfig{
		Group: amqp.Group, Bindings: amqp.Bindings, Topology: env.Topology,
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

// publish sends an event, retrying while the consumer's queue is not bound yet.
func (h *harness) publish(topic string, e messaging.Envelope) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := h.pub.Publish(ctx, topic, e.EventType, e)
		cancel()
		if err == nil {
			return
		}
		if !errors.Is(err, messaging.ErrUnroutable) || time.Now().After(deadline) {
			h.t.Fatalf("publish: %v", err)
		}
	}
}

func event(eventType string, entity uuid.UUID, version int64, payload map[string]any) messaging.Envelope {
	raw, _ := json.Marshal(payload)
	return messaging.Envelope{
		EventID: uuid.NewString(), EventType: eventType, SchemaVersion: 1, EntityID: entity.String(),
		EntityVersion: version, OccurredAt: time.Now().UTC(), Payload: raw,
	}
}

func characteristicEvent(eventType string, id uuid.UUID, version int64, value string) messaging.Envelope {
	return event(eventType, id, version, map[string]any{"id": id.String(), "name": "Speed", "value": value, "unit_of_measure": "Mbps"})
}

// replicaRow is one replicated characteristic.
type replicaRow struct {
	Name, Value, Unit string
	Version           int64
	Deleted           bool
}

// waitFor polls query (one row) until ok accepts the scanned values.
func waitFor[T any](h *harness, what, query string, id uuid.UUID, scan func(pgxRow interface{ Scan(...any) error }) (T, error), ok func(T) bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, err := scan(h.pool.QueryRow(context.Background(), query, id))
		if err == nil && ok(v) {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s (last %+v, err %v)", what, v, err)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-h.t.Context().Done():
			h.t.Fatal("test cancelled")
		}
	}
}

func (h *harness) waitReplica(id uuid.UUID, what string, ok func(replicaRow) bool) {
	h.t.Helper()
	waitFor(h, what, `SELECT name, value, unit_of_measure, version, deleted FROM characteristic_replica WHERE id = $1`, id,
		func(row interface{ Scan(...any) error }) (replicaRow, error) {
			var r replicaRow
			err := row.Scan(&r.Name, &r.Value, &r.Unit, &r.Version, &r.Deleted)
			return r, err
		}, ok)
}

func TestCharacteristicEventsFeedTheReplica(t *testing.T) {
	t.Parallel()
	h := start(t)
	id := uuid.New()

	created := characteristicEvent("CharacteristicCreated", id, 1, "100")
	h.publish(messaging.TopicCharacteristics, created)
	h.waitReplica(id, "the created characteristic", func(r replicaRow) bool {
		return r == replicaRow{Name: "Speed", Value: "100", Unit: "Mbps", Version: 1}
	})

	h.publish(messaging.TopicCharacteristics, characteristicEvent("CharacteristicUpdated", id, 3, "300"))
	h.waitReplica(id, "the update", func(r replicaRow) bool { return r.Version == 3 && r.Value == "300" })

	// Late events: an older update and a redelivered Created; the marker published after them
	// shows they were handled.
	h.publish(messaging.TopicCharacteristics, characteristicEvent("CharacteristicUpdated", id, 2, "200"))
	h.publish(messaging.TopicCharacteristics, created)
	marker := uuid.New()
	h.publish(messaging.TopicCharacteristics, characteristicEvent("CharacteristicCreated", marker, 1, "1"))
	h.waitReplica(marker, "the marker", func(r replicaRow) bool { return r.Version == 1 })
	h.waitReplica(id, "the stale events to be ignored", func(r replicaRow) bool { return r.Version == 3 && r.Value == "300" })
	var processed int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM processed_events WHERE event_id = $1`, created.EventID).Scan(&processed); err != nil || processed != 1 {
		t.Fatalf("processed rows of the duplicated event = %d (%v), want 1", processed, err)
	}

	h.publish(messaging.TopicCharacteristics, characteristicEvent("CharacteristicDeleted", id, 4, "300"))
	h.waitReplica(id, "the tombstone", func(r replicaRow) bool { return r.Version == 4 && r.Deleted })
}

func TestOfferingEventsTrackReferences(t *testing.T) {
	t.Parallel()
	h := start(t)
	offering, spec := uuid.New(), uuid.New()
	offeringEvent := func(eventType string, version int64, status string) messaging.Envelope {
		return event(eventType, offering, version, map[string]any{"id": offering.String(), "name": "Premium",
			"lifecycle_status": status, "specification_ids": []string{spec.String()}})
	}
	type ref struct {
		Status  string
		Version int64
		Deleted bool
	}
	wait := func(what string, want ref) {
		t.Helper()
		waitFor(h, what, `SELECT lifecycle_status, version, deleted FROM offering_references WHERE offering_id = $1`, offering,
			func(row interface{ Scan(...any) error }) (ref, error) {
				var r ref
				err := row.Scan(&r.Status, &r.Version, &r.Deleted)
				return r, err
			}, func(r ref) bool { return r == want })
	}

	h.publish(messaging.TopicOfferings, offeringEvent("OfferingCreated", 1, "DRAFT"))
	wait("the draft", ref{"DRAFT", 1, false})
	h.publish(messaging.TopicOfferings, offeringEvent("OfferingPublished", 3, "PUBLISHED"))
	wait("the publication", ref{"PUBLISHED", 3, false})
	h.publish(messaging.TopicOfferings, offeringEvent("OfferingPublicationStarted", 2, "PUBLISHING"))
	h.publish(messaging.TopicOfferings, offeringEvent("OfferingRetired", 4, "RETIRED"))
	wait("the retirement, the older event ignored", ref{"RETIRED", 4, false})
	h.publish(messaging.TopicOfferings, offeringEvent("OfferingDeleted", 5, "RETIRED"))
	wait("the deletion", ref{"DRAFT", 5, true})
}
