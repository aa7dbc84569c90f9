package amqp_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// eventually polls cond until it holds or the deadline passes.
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

func TestOfferingRetiredOverRabbitMQReleasesHoldsAndPriceEventsArePublished(t *testing.T) {
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
	svc := app.New(postgres.NewStore(pool))
	collected := mq.Collect(messaging.TopicPricing)

	done := make(chan error, 2)
	go func() {
		done <- outbox.NewRelay(pool, mq.Conn, outbox.RelayConfig{Topology: mq.Topology}, log).Run(ctx)
	}()
	go func() { done <- amqp.NewConsumer(mq.Conn, mq.Topology, svc, log).Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil && ctx.Err() == nil {
				t.Errorf("background part: %v", err)
			}
		}
	})

	d, _ := domain.ParseDetails(domain.RawDetails{Name: "Fee", Value: "9.99", Unit: "month", Currency: "TRY"})
	p, err := svc.Create(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	offering := uuid.New()
	if _, err := svc.LockPrices(ctx, app.LockCommand{SagaID: uuid.New(), OfferingID: uuid.NullUUID{UUID: offering, Valid: true},
		PriceIDs: []uuid.UUID{p.ID}}); err != nil {
		t.Fatal(err)
	}

	// The relay publishes PriceCreated and PriceLocked with the row versions and the read shape as payload.
	collected.WaitDistinct(2, 20*time.Second)
	got := collected.Received()
	if len(got) < 2 || got[0].EventType != "PriceCreated" || got[0].EntityVersion != 1 || got[1].EventType != "PriceLocked" ||
		got[1].EntityVersion != 2 {
		t.Fatalf("published %+v", got)
	}
	var payload app.PriceView
	if err := json.Unmarshal(got[1].Payload, &payload); err != nil || payload.Value != "9.99" || !payload.Locked {
		t.Fatalf("payload %s: %v", got[1].Payload, err)
	}

	pub := messaging.NewPublisher(mq.Conn, mq.Topology)
	defer pub.Close()
	body, _ := json.Marshal(map[string]any{"id": offering.String(), "lifecycle_status": "RETIRED"})
	retired := messaging.Envelope{
		EventID: uuid.NewString(), EventType: "OfferingRetired", SchemaVersion: 1, EntityID: offering.String(),
		EntityVersion: 5, OccurredAt: time.Now().UTC(), Payload: body,
	}
	// Published twice: the second delivery must change nothing.
	eventually(t, "the consumer queue to exist and take the event", func() bool {
		if err := pub.Publish(ctx, messaging.TopicOfferings, "OfferingRetired", retired); err != nil {
			return false
		}
		cur, err := svc.Get(ctx, p.ID)
		return err == nil && !cur.Locked()
	})
	if err := pub.Publish(ctx, messaging.TopicOfferings, "OfferingRetired", retired); err != nil {
		t.Fatal(err)
	}
	eventually(t, "one PriceUnlocked event", func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE event_type = 'PriceUnlocked'`).Scan(&n)
		return n == 1
	})
}

func TestHandlerRefusesAnEventWithoutAnOfferingIDPermanently(t *testing.T) {
	t.Parallel()
	h := amqp.Handler(app.New(nil))
	err := h(context.Background(), messaging.Envelope{EventID: uuid.NewString(), EventType: "OfferingRetired", EntityID: "x",
		Payload: json.RawMessage(`{"id":"nope"}`)})
	if !messaging.IsPermanent(err) {
		t.Fatalf("error = %v, want a permanent error", err)
	}
	if err := h(context.Background(), messaging.Envelope{EventType: "OfferingCreated"}); err != nil {
		t.Fatalf("other events must be ignored: %v", err)
	}
}
