package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/specification/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

func TestReplicaIsIdempotentAndVersionAware(t *testing.T) {
	t.Parallel()
	migs, err := migrations.For("specification")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	replica := postgres.NewReplica(pool)
	ctx := context.Background()
	id := uuid.New()
	snap := func(version int64, value string, deleted bool) domain.Characteristic {
		return domain.Characteristic{ID: id, Name: "Speed", Value: value, Unit: "Mbps", Version: version, Deleted: deleted}
	}
	first := uuid.NewString()

	steps := []struct {
		name        string
		apply       func() (bool, error)
		wantApplied bool
		wantValue   string
		wantExists  bool
	}{
		{"a first event replicates the characteristic", func() (bool, error) { return replica.Apply(ctx, "specification", first, snap(1, "100", false)) }, true, "100", true},
		{"the same event again has no effect", func() (bool, error) { return replica.Apply(ctx, "specification", first, snap(1, "100", false)) }, false, "100", true},
		{"a lookup answer at a newer version is stored", func() (bool, error) { return replica.Store(ctx, snap(3, "300", false)) }, true, "300", true},
		{"an older event is ignored", func() (bool, error) {
			return replica.Apply(ctx, "specification", uuid.NewString(), snap(2, "200", false))
		}, false, "300", true},
		{"a deletion hides the characteristic", func() (bool, error) {
			return replica.Apply(ctx, "specification", uuid.NewString(), snap(4, "300", true))
		}, true, "300", false},
		{"a late update cannot revive it", func() (bool, error) {
			return replica.Apply(ctx, "specification", uuid.NewString(), snap(3, "999", false))
		}, false, "300", false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			applied, err := s.apply()
			if err != nil || applied != s.wantApplied {
				t.Fatalf("applied = %v, %v; want %v", applied, err, s.wantApplied)
			}
			var value string
			if err := pool.QueryRow(ctx, `SELECT value FROM characteristic_replica WHERE id = $1`, id).Scan(&value); err != nil || value != s.wantValue {
				t.Fatalf("value = %q (%v), want %q", value, err, s.wantValue)
			}
			exists, err := replica.Existing(ctx, []uuid.UUID{id, uuid.New()})
			if err != nil || exists[id] != s.wantExists || len(exists) != btoi(s.wantExists) {
				t.Fatalf("Existing = %v (%v), want %v", exists, err, s.wantExists)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
