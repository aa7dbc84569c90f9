package amqp_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func replica(ctx context.Context, pool *pgxpool.Pool, table string, id uuid.UUID) (version int64, deleted bool, ok bool) {
	err := pool.QueryRow(ctx, `SELECT version, deleted FROM `+table+` WHERE id = $1`, id).Scan(&version, &deleted)
	return version, deleted, err == nil
}

func envelope(eventType string, id uuid.UUID, version int64) messaging.Envelope {
	return messaging.Envelope{EventID: uuid.NewString(), EventType: eventType, SchemaVersion: 1, EntityID: id.String(),
		EntityVersion: version, OccurredAt: time.Now().UTC(), Payload: json.RawMessage(`{"id":"` + id.String() + `"}`)}
}

func TestReplicasFollowPriceAndSpecificationEvents(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sqlFS, extra, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	mq := messagingtest.New(t)
	mq.TrackGroup(app.ConsumerGroup)
	svc := app.New(postgres.NewStore(pool), nil)
	offerings := mq.Collect(messaging.TopicOfferings)

	done := make(chan error, 2)
	go func() { done <- amqp.NewConsumer(mq.Conn, mq.Topology, svc, log).Run(ctx) }()
	go func() {
		done <- outbox.NewRelay(pool, mq.Conn, outbox.RelayConfig{Topology: mq.Topology}, log).Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil && ctx.Err() == nil {
				t.Errorf("background part: %v", err)
			}
		}
	})

	pub := messaging.NewPublisher(mq.Conn, mq.Topology)
	defer pub.Close()
	price, spec := uuid.New(), uuid.New()
	created := envelope("PriceCreated", price, 1)
	// The queue is declared by the consumer; publish until the first event lands.
	eventually(t, "the price replica", func() bool {
		_ = pub.Publish(ctx, messaging.TopicPricing, created.EventType, created)
		_, _, ok := replica(ctx, pool, "known_prices", price)
		return ok
	})
	for _, e := range []struct {
		topic string
		env   messaging.Envelope
	}{
		{messaging.TopicSpecifications, envelope("SpecificationCreated", spec, 1)},
		{messaging.TopicSpecifications, envelope("SpecificationDeleted", spec, 3)},
		{messaging.TopicSpecifications, envelope("SpecificationUpdated", spec, 2)}, // stale: must not resurrect
		{messaging.TopicPricing, envelope("PriceLocked", price, 2)},
	} {
		if err := pub.Publish(ctx, e.topic, e.env.EventType, e.env); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the price at version 2", func() bool { v, _, _ := replica(ctx, pool, "known_prices", price); return v == 2 })
	eventually(t, "the specification deleted at version 3", func() bool {
		v, deleted, _ := replica(ctx, pool, "known_specifications", spec)
		return v == 3 && deleted
	})
	var processed int
	eventually(t, "every event recorded as processed", func() bool {
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM processed_events`).Scan(&processed)
		return processed >= 5
	})
	if v, deleted, _ := replica(ctx, pool, "known_specifications", spec); v != 3 || !deleted {
		t.Fatalf("stale event changed the specification replica to v%d deleted=%v", v, deleted)
	}

	// The offering's own events reach product.offering.events through the outbox relay.
	name := "Evented"
	c, _ := domain.ParseContent(domain.RawContent{Name: &name})
	o, err := svc.Create(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	offerings.WaitDistinct(1, 20*time.Second)
	got := offerings.Received()
	if len(got) != 1 || got[0].EventType != "OfferingCreated" || got[0].EntityID != o.ID.String() || got[0].EntityVersion != 1 {
		t.Fatalf("published %+v", got)
	}
	var payload app.OfferingView
	if err := json.Unmarshal(got[0].Payload, &payload); err != nil || payload.LifecycleStatus != "DRAFT" || payload.Name != name {
		t.Fatalf("payload %s: %v", got[0].Payload, err)
	}
}

func TestChangeMapsEventsToReplicas(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	tests := []struct {
		name    string
		env     messaging.Envelope
		kind    app.ReplicaKind
		deleted bool
		ok      bool
		err     bool
	}{
		{"a price event feeds the price replica", envelope("PriceUpdated", id, 2), app.ReplicaPrices, false, true, false},
		{"a specification deletion marks it deleted", envelope("SpecificationDeleted", id, 4), app.ReplicaSpecifications, true, true, false},
		{"other events are ignored", envelope("CharacteristicCreated", id, 1), "", false, false, false},
		{"a bad entity id is an error", messaging.Envelope{EventType: "PriceCreated", EntityID: "x"}, "", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, ok, err := amqp.Change(tt.env)
			if (err != nil) != tt.err || ok != tt.ok {
				t.Fatalf("ok=%v err=%v", ok, err)
			}
			if ok && (c.Kind != tt.kind || c.Deleted != tt.deleted || c.ID != id || c.Version != tt.env.EntityVersion) {
				t.Fatalf("change %+v", c)
			}
		})
	}
	if err := amqp.Handler(nil)(context.Background(), messaging.Envelope{EventType: "PriceCreated", EntityID: "x"}); !messaging.IsPermanent(err) {
		t.Fatalf("bad event error = %v, want permanent", err)
	}
}
