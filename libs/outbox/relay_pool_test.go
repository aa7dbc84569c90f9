package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/outbox"
)

func TestRelayDoesNotWaitForTheServicesPool(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	_, dbURL := newDB(t)
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	got := env.Collect(messaging.TopicCharacteristics)
	want := insertEvents(t, pool, 20, 5, entityN(4))

	// The service is busy: its only connection is taken for the whole test.
	busy, err := pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(busy.Release)
	startRelay(t, outbox.NewRelay(pool, env.Conn, fastRelay(env.Topology), testLogger(t)))

	counts := got.WaitDistinct(len(want), 20*time.Second)
	if m := missing(want, counts); len(m) > 0 {
		t.Fatalf("%d of %d events not relayed while the service's pool was exhausted", len(m), len(want))
	}
}
