package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/outbox"
)

func TestOnlyCommittedEventsArePublished(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	got := env.Collect(messaging.TopicCharacteristics)
	startRelay(t, outbox.NewRelay(pool, env.Conn, fastRelay(env.Topology), nil))
	ctx := context.Background()

	rolledBack := errors.New("business rule failed")
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := outbox.Add(ctx, tx, testEvent("rolled-back", 1), testEvent("rolled-back", 2)); err != nil {
			return err
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatalf("rollback tx: %v", err)
	}
	committed := insertEvents(t, pool, 30, 10, entityN(3))
	// The relay claims in id order, so once a later sentinel arrives everything before it did.
	sentinel := insertEvents(t, pool, 1, 1, func(int) string { return "sentinel" })
	want := append(committed, sentinel...)

	counts := got.WaitDistinct(len(want), 20*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d committed events never arrived: %v", len(m), m)
	}
	if len(counts) != len(want) {
		t.Fatalf("received %d distinct events, want exactly the %d committed ones", len(counts), len(want))
	}
	for id, n := range counts {
		if n != 1 {
			t.Errorf("event %s arrived %d times in an undisturbed run", id, n)
		}
	}
	eventually(t, 5*time.Second, "outbox drained", func() bool { return pending(t, pool) == 0 })
}

func TestPublishedEnvelopeCarriesTheRowAndTheWriterContext(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	got := env.Collect(messaging.TopicPricing)
	startRelay(t, outbox.NewRelay(pool, env.Conn, fastRelay(env.Topology), nil))
	ctx := context.Background()
	ev := outbox.Event{Topic: messaging.TopicPricing, EventType: "PriceCreated", EntityID: "price-9", EntityVersion: 4,
		SchemaVersion: 2, Payload: map[string]any{"id": "price-9", "amount": "9.99"}}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, ev) }); err != nil {
		t.Fatal(err)
	}
	got.WaitDistinct(1, 20*time.Second)
	r := got.Received()
	if len(r) != 1 {
		t.Fatalf("received %d envelopes", len(r))
	}
	e := r[0]
	if e.EventType != "PriceCreated" || e.EntityID != "price-9" || e.EntityVersion != 4 || e.SchemaVersion != 2 {
		t.Errorf("envelope = %+v", e)
	}
	var payload map[string]any
	if err := json.Unmarshal(e.Payload, &payload); err != nil || payload["id"] != "price-9" || payload["amount"] != "9.99" || len(payload) != 2 {
		t.Errorf("payload = %s (%v)", e.Payload, err)
	}
	if e.OccurredAt.IsZero() || time.Since(e.OccurredAt) > time.Minute {
		t.Errorf("occurred_at = %v", e.OccurredAt)
	}
}

func TestEventsOfOneEntityLeaveInCommitOrder(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	got := env.Collect(messaging.TopicCharacteristics)
	// Commit before the relay starts so batches interleave many entities.
	want := insertEvents(t, pool, 600, 7, entityN(5))
	cfg := fastRelay(env.Topology)
	cfg.BatchSize = 64
	startRelay(t, outbox.NewRelay(pool, env.Conn, cfg, nil))
	counts := got.WaitDistinct(len(want), 30*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d events missing", len(m))
	}
	last := map[string]int64{}
	for _, e := range got.Received() {
		if e.EntityVersion <= last[e.EntityID] {
			t.Fatalf("entity %s: version %d arrived after %d", e.EntityID, e.EntityVersion, last[e.EntityID])
		}
		last[e.EntityID] = e.EntityVersion
	}
}

func TestRelayStoppedMidStreamAndRestartedLosesNothing(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	got := env.Collect(messaging.TopicCharacteristics)
	want := insertEvents(t, pool, 3000, 100, entityN(50))
	cfg := fastRelay(env.Topology)
	cfg.BatchSize = 50
	stop := startRelay(t, outbox.NewRelay(pool, env.Conn, cfg, nil))
	eventually(t, 20*time.Second, "the first events", func() bool { return len(got.Counts()) >= 200 })
	stop() // cancels Run while batches are in flight
	if n := len(got.Counts()); n >= len(want) {
		t.Fatalf("the relay finished (%d events) before it was stopped: the test proves nothing", n)
	}
	startRelay(t, outbox.NewRelay(pool, env.Conn, cfg, nil))
	counts := got.WaitDistinct(len(want), 40*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d events lost after restart, e.g. %s", len(m), m[0])
	}
	eventually(t, 5*time.Second, "outbox drained", func() bool { return pending(t, pool) == 0 })
}

func TestRelaySurvivesItsDatabaseConnectionsBeingKilled(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, dbURL := newDB(t)
	got := env.Collect(messaging.TopicCharacteristics)
	app := "relay-" + messagingtest.RandomID(4)
	rp := relayPool(t, dbURL, app)
	startRelay(t, outbox.NewRelay(rp, env.Conn, fastRelay(env.Topology), nil))
	first := insertEvents(t, pool, 500, 50, entityN(10))
	eventually(t, 20*time.Second, "some events", func() bool { return len(got.Counts()) >= 50 })
	var killed int
	err := pool.QueryRow(context.Background(), `
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed)
	if err != nil || killed == 0 {
		t.Fatalf("terminated %d relay sessions (err %v), want at least the listener", killed, err)
	}
	second := insertEvents(t, pool, 500, 50, entityN(10))
	want := append(first, second...)
	counts := got.WaitDistinct(len(want), 40*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d events lost after the database dropped the relay, e.g. %s", len(m), m[0])
	}
}

func TestRelayReconnectsWhenTheBrokerClosesItsConnection(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	got := env.Collect(messaging.TopicCharacteristics)
	relayConn := env.Dial("relay")
	cfg := fastRelay(env.Topology)
	cfg.BatchSize = 20
	startRelay(t, outbox.NewRelay(pool, relayConn, cfg, testLogger(t)))
	// A producer keeps committing while the broker drops the relay's connection.
	stopProducing := make(chan struct{})
	produced := make(chan []string, 1)
	go func() {
		var ids []string
		defer func() { produced <- ids }()
		for {
			select {
			case <-stopProducing:
				return
			default:
			}
			batch, err := tryInsertEvents(pool, 20, 20, entityN(20))
			if err != nil {
				t.Errorf("producer: %v", err)
				return
			}
			ids = append(ids, batch...)
		}
	}()
	eventually(t, 20*time.Second, "publishing under way", func() bool { return len(got.Counts()) >= 100 })
	if n := messagingtest.CloseConnection(t, relayConn.Name()); n != 1 {
		t.Fatalf("closed %d connections, want the relay's one", n)
	}
	afterClose := len(got.Counts())
	eventually(t, 30*time.Second, "publishing after the close", func() bool { return len(got.Counts()) >= afterClose+200 })
	close(stopProducing)
	want := <-produced
	counts := got.WaitDistinct(len(want), 60*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d events lost across the broker closing the relay's connection, e.g. %s (%d rows pending)", len(m), m[0], pending(t, pool))
	}
}

func TestThreeRelaysOnOneTableLoseNothing(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	got := env.Collect(messaging.TopicCharacteristics)
	cfg := fastRelay(env.Topology)
	cfg.BatchSize = 50
	for i := range 3 {
		startRelay(t, outbox.NewRelay(pool, env.Dial(fmt.Sprintf("relay-%d", i)), cfg, nil))
	}
	want := insertEvents(t, pool, 5000, 100, entityN(100))
	counts := got.WaitDistinct(len(want), 60*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d of %d events lost with three relays, e.g. %s", len(m), len(want), m[0])
	}
	dups := 0
	for _, n := range counts {
		if n > 1 {
			dups++
		}
	}
	if dups > 0 {
		t.Errorf("%d events published more than once by concurrent relays in an undisturbed run", dups)
	}
}
