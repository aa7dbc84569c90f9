package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
)

func TestStalledPublicationsAreThosePublishingWithoutAnInstanceForTooLong(t *testing.T) {
	t.Parallel()
	sqlFS, extra, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	ctx := context.Background()
	old, recent := time.Now().Add(-time.Hour), time.Now()
	insert := func(status string, key *int64, updated time.Time) uuid.UUID {
		id := uuid.New()
		if _, err := pool.Exec(ctx, `INSERT INTO offerings (id, name, lifecycle_status, version, saga_id,
			process_instance_key, created_at, updated_at) VALUES ($1, 'x', $2, 2, $3, $4, $5, $5)`,
			id, status, uuid.New(), key, updated); err != nil {
			t.Fatal(err)
		}
		return id
	}
	key := int64(7)
	stalled := insert("PUBLISHING", nil, old)
	insert("PUBLISHING", nil, recent) // still within the grace period
	insert("PUBLISHING", &key, old)   // its saga runs
	insert("DRAFT", nil, old)         // not publishing at all

	got, err := NewStore(pool).StalledPublications(ctx, time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].OfferingID != stalled {
		t.Fatalf("stalled = %+v, want only %s", got, stalled)
	}
}
