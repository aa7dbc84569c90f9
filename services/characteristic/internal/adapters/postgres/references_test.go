package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	migs, err := migrations.For("characteristic")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	return pool
}

func storedRef(t *testing.T, pool *pgxpool.Pool, spec uuid.UUID) (ids []uuid.UUID, version int64, deleted bool) {
	t.Helper()
	err := pool.QueryRow(context.Background(),
		`SELECT characteristic_ids, version, deleted FROM specification_references WHERE specification_id = $1`, spec).
		Scan(&ids, &version, &deleted)
	if err != nil {
		t.Fatal(err)
	}
	return ids, version, deleted
}

func TestReferencesAreIdempotentAndVersionAware(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	store := postgres.NewReferences(pool)
	ctx := context.Background()
	spec, a, b := uuid.New(), uuid.New(), uuid.New()
	record := func(eventID string, version int64, deleted bool, ids ...uuid.UUID) bool {
		t.Helper()
		applied, err := store.Record(ctx, "characteristic", eventID,
			app.SpecificationRef{SpecificationID: spec, CharacteristicIDs: ids, Version: version, Deleted: deleted})
		if err != nil {
			t.Fatal(err)
		}
		return applied
	}
	first := uuid.NewString()

	steps := []struct {
		name        string
		apply       func() bool
		wantApplied bool
		wantIDs     []uuid.UUID
		wantVersion int64
		wantDeleted bool
	}{
		{"a first event stores the references", func() bool { return record(first, 1, false, a) }, true, []uuid.UUID{a}, 1, false},
		{"the same event again has no effect", func() bool { return record(first, 1, false, a) }, false, []uuid.UUID{a}, 1, false},
		{"a newer version replaces the references", func() bool { return record(uuid.NewString(), 3, false, b) }, true, []uuid.UUID{b}, 3, false},
		{"an older version is ignored", func() bool { return record(uuid.NewString(), 2, false, a) }, false, []uuid.UUID{b}, 3, false},
		{"a deletion leaves a tombstone without references", func() bool { return record(uuid.NewString(), 4, true) }, true, []uuid.UUID{}, 4, true},
		{"a late update after the deletion is ignored", func() bool { return record(uuid.NewString(), 3, false, a) }, false, []uuid.UUID{}, 4, true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if got := s.apply(); got != s.wantApplied {
				t.Fatalf("applied = %v, want %v", got, s.wantApplied)
			}
			ids, version, deleted := storedRef(t, pool, spec)
			if len(ids) != len(s.wantIDs) || (len(ids) > 0 && ids[0] != s.wantIDs[0]) || version != s.wantVersion || deleted != s.wantDeleted {
				t.Fatalf("stored %v v%d deleted=%v, want %v v%d deleted=%v", ids, version, deleted, s.wantIDs, s.wantVersion, s.wantDeleted)
			}
		})
	}
	var processed int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM processed_events WHERE event_id = $1`, first).Scan(&processed); err != nil {
		t.Fatal(err)
	}
	if processed != 1 {
		t.Fatalf("processed rows for the duplicated event = %d, want 1", processed)
	}
}
