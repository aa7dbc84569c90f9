package outbox_test

import (
	"context"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
	"github.com/tmfcatalog/platform/libs/outbox"
)

func TestLibMigrationsApplyThroughTheChassisNextToEachOther(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t, nil, outbox.Migration(1000), pgidempotency.Migration(1001))
	for _, table := range []string{"outbox", "processed_events"} {
		var exists bool
		if err := pool.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil || !exists {
			t.Errorf("table %s missing after migration (err %v)", table, err)
		}
	}
	var trigger bool
	if err := pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'outbox_notify')`).Scan(&trigger); err != nil || !trigger {
		t.Errorf("notify trigger missing (err %v)", err)
	}
}
