package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
)

// testLogger writes the component's logs to the test output (shown for failing tests and -v).
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func newDB(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	return pgtest.NewDB(t, nil, outbox.Migration(1))
}

// relayPool opens a second pool on dbURL whose connections carry applicationName, so a test
// can terminate exactly the relay's database sessions.
func relayPool(t *testing.T, dbURL, applicationName string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = applicationName
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// startRelay runs a relay until the returned stop is called (or the test ends); stop waits
// for Run to return and fails the test if it returned an error.
func startRelay(t *testing.T, r *outbox.Relay) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("relay Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("relay did not stop within 20s of cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

// fastRelay is a relay configuration with short delays for tests.
func fastRelay(topo messaging.Topology) outbox.RelayConfig {
	return outbox.RelayConfig{
		Topology:        topo,
		BatchSize:       100,
		PollInterval:    200 * time.Millisecond,
		MetricsInterval: -1,
		Backoff:         messaging.Backoff{Initial: 10 * time.Millisecond, Max: 200 * time.Millisecond},
		RetryBackoff:    messaging.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond},
	}
}

// insertEvents commits n events in transactions of perTx, for entities chosen by entityOf(i),
// and returns their ids in insertion order.
func insertEvents(t *testing.T, pool *pgxpool.Pool, n, perTx int, entityOf func(i int) string) []string {
	t.Helper()
	ids, err := tryInsertEvents(pool, n, perTx, entityOf)
	if err != nil {
		t.Fatalf("insert events: %v", err)
	}
	return ids
}

// tryInsertEvents is insertEvents for goroutines other than the test's.
func tryInsertEvents(pool *pgxpool.Pool, n, perTx int, entityOf func(i int) string) ([]string, error) {
	ctx := context.Background()
	ids := make([]string, 0, n)
	for start := 0; start < n; start += perTx {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var batch []outbox.Event
			for i := start; i < min(start+perTx, n); i++ {
				e := testEvent(entityOf(i), int64(i+1))
				ids = append(ids, e.EventID)
				batch = append(batch, e)
			}
			return outbox.Add(ctx, tx, batch...)
		})
		if err != nil {
			return ids, err
		}
	}
	return ids, nil
}

func testEvent(entity string, version int64) outbox.Event {
	return outbox.Event{
		Topic: messaging.TopicCharacteristics, EventType: "CharacteristicUpdated", EntityID: entity,
		EntityVersion: version, EventID: newID(), Payload: map[string]any{"id": entity, "version": version},
	}
}

func missing(want []string, got map[string]int) []string {
	var out []string
	for _, id := range want {
		if got[id] == 0 {
			out = append(out, id)
		}
	}
	return out
}

func pending(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE published_at IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

func entityN(n int) func(int) string {
	return func(i int) string { return fmt.Sprintf("entity-%d", i%n) }
}
