package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/outbox"
)

func priceEvent(eventType string, version int64) outbox.Event {
	return outbox.Event{Topic: messaging.TopicPricing, EventType: eventType, EntityID: "price-1", EntityVersion: version,
		EventID: newID(), Payload: map[string]int64{"version": version}}
}

func TestUnroutableEventWaitsForAQueueAndHoldsBackItsEntity(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	ctx := context.Background()
	const group = "outbox-unroutable-test"
	env.TrackGroup(group)
	// A queue that takes only PriceUpdated: PriceCreated is unroutable for now.
	ch, err := env.Conn.Channel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	if err := env.Topology.DeclareGroup(ch, group, map[string][]string{messaging.TopicPricing: {"PriceUpdated"}}); err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume(env.Topology.Queue(group), "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	created, updated := priceEvent("PriceCreated", 1), priceEvent("PriceUpdated", 2)
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, created) }); err != nil {
		t.Fatal(err)
	}
	startRelay(t, outbox.NewRelay(pool, env.Conn, fastRelay(env.Topology), nil))

	attempts := func(id string) (n int, lastErr string) {
		var le *string
		if err := pool.QueryRow(ctx, `SELECT attempts, last_error FROM outbox WHERE event_id = $1`, id).Scan(&n, &le); err != nil {
			t.Fatal(err)
		}
		if le != nil {
			lastErr = *le
		}
		return n, lastErr
	}
	// Once the first event has failed, a later event of the same entity must wait behind it.
	// (Events sent in the same batch as a failing one are already on the wire; see docs/events.md.)
	eventually(t, 20*time.Second, "a failed attempt", func() bool { n, _ := attempts(created.EventID); return n >= 1 })
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, updated) }); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "several failed attempts of the unroutable event", func() bool {
		n, _ := attempts(created.EventID)
		return n >= 4
	})
	if _, lastErr := attempts(created.EventID); lastErr == "" {
		t.Error("last_error not recorded")
	}
	if n, _ := attempts(updated.EventID); n != 0 {
		t.Fatalf("the later event of the same entity was tried %d times while the earlier one waited", n)
	}
	select {
	case d := <-deliveries:
		t.Fatalf("%s overtook the unpublished PriceCreated", d.Type)
	default:
	}

	if err := ch.QueueBind(env.Topology.Queue(group), "PriceCreated", env.Topology.Exchange(messaging.TopicPricing), false, nil); err != nil {
		t.Fatal(err)
	}
	var order []string
	for len(order) < 2 {
		select {
		case d := <-deliveries:
			order = append(order, d.MessageId)
		case <-time.After(20 * time.Second):
			t.Fatalf("only %d of 2 events arrived after the binding", len(order))
		}
	}
	if order[0] != created.EventID || order[1] != updated.EventID {
		t.Fatalf("arrival order %v, want created then updated", order)
	}
}

func TestDropUnroutableMarksUnroutableEventsPublished(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	ctx := context.Background()
	cfg := fastRelay(env.Topology)
	cfg.DropUnroutable = true
	startRelay(t, outbox.NewRelay(pool, env.Conn, cfg, nil))
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, priceEvent("PriceCreated", 1)) }); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the unroutable event marked published", func() bool { return pending(t, pool) == 0 })
}

func TestNotificationsWakeTheRelayAndPollingCatchesMissedOnes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		pollInterval time.Duration
		disableTrig  bool
	}{
		{"a commit wakes the relay long before its poll interval", time.Hour, false},
		{"without notifications the poll still publishes every event", 100 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := messagingtest.New(t)
			pool, _ := newDB(t)
			if tt.disableTrig {
				if _, err := pool.Exec(context.Background(), `ALTER TABLE outbox DISABLE TRIGGER outbox_notify`); err != nil {
					t.Fatal(err)
				}
			}
			got := env.Collect(messaging.TopicCharacteristics)
			cfg := fastRelay(env.Topology)
			cfg.PollInterval = tt.pollInterval
			startRelay(t, outbox.NewRelay(pool, env.Conn, cfg, nil))
			var want []string
			for i := range 5 {
				want = append(want, insertEvents(t, pool, 1, 1, entityN(1))...)
				if counts := got.WaitDistinct(i+1, 10*time.Second); len(counts) != i+1 {
					t.Fatalf("event %d not published within 10s (poll interval %v)", i+1, tt.pollInterval)
				}
			}
			if m := missing(want, got.Counts()); len(m) > 0 {
				t.Fatalf("missing %v", m)
			}
		})
	}
}

func TestPruneDeletesPublishedRowsPastRetentionOnly(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	ctx := context.Background()
	ids := insertEvents(t, pool, 4, 4, entityN(1))
	// ids[0], ids[1]: published long ago; ids[2]: published just now; ids[3]: pending and old.
	if _, err := pool.Exec(ctx, `UPDATE outbox SET published_at = now() - interval '3 hours' WHERE event_id = ANY($1::uuid[])`, ids[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE outbox SET published_at = now() WHERE event_id = $1`, ids[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE outbox SET created_at = now() - interval '3 hours' WHERE event_id = $1`, ids[3]); err != nil {
		t.Fatal(err)
	}
	cfg := fastRelay(env.Topology)
	cfg.Retention = time.Hour
	r := outbox.NewRelay(pool, env.Conn, cfg, nil)
	n, err := r.Prune(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2 rows", n, err)
	}
	var left []string
	rows, err := pool.Query(ctx, `SELECT event_id::text FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	left, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(left) != 2 || left[0] != ids[2] || left[1] != ids[3] {
		t.Fatalf("rows left = %v (%v), want %v", left, err, ids[2:])
	}
	count, oldest, err := r.Pending(ctx)
	if err != nil || count != 1 || oldest < 2*time.Hour {
		t.Fatalf("Pending = %d, %v, %v; want 1 row about 3h old", count, oldest, err)
	}
}
