package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
	"github.com/tmfcatalog/platform/libs/outbox"

	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

// References implements app.ReferenceStore.
type References struct {
	pool *pgxpool.Pool
}

var _ app.ReferenceStore = (*References)(nil)

// NewReferences returns a References store.
func NewReferences(pool *pgxpool.Pool) *References { return &References{pool: pool} }

// Record implements app.ReferenceStore: in one transaction it marks the event processed for
// the group and upserts the reference when its version is newer than the stored one.
func (r *References) Record(ctx context.Context, group, eventID string, ref app.SpecificationRef) (bool, error) {
	applied := false
	err := pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		seen, err := pgidempotency.MarkInTx(ctx, tx, group, eventID)
		if err != nil {
			return fmt.Errorf("mark event %s: %w", eventID, err)
		}
		if seen {
			return nil
		}
		ids := ref.CharacteristicIDs
		if ref.Deleted || ids == nil {
			ids = []uuid.UUID{}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO specification_references (specification_id, characteristic_ids, version, deleted, updated_at)
			VALUES ($1, $2, $3, $4, now())
			ON CONFLICT (specification_id) DO UPDATE
			SET characteristic_ids = EXCLUDED.characteristic_ids, version = EXCLUDED.version,
			    deleted = EXCLUDED.deleted, updated_at = now()
			WHERE specification_references.version < EXCLUDED.version`,
			ref.SpecificationID, ids, ref.Version, ref.Deleted)
		if err != nil {
			return fmt.Errorf("upsert reference: %w", err)
		}
		applied = tag.RowsAffected() == 1
		return nil
	})
	if err != nil {
		return false, err
	}
	return applied, nil
}

// Versions of the library migrations in this database, after the service's own SQL files
// (the next SQL migration of the service must use a higher number).
const (
	outboxMigrationVersion      = 100
	idempotencyMigrationVersion = 101
)

// LibMigrations returns the outbox and processed-events migrations for pgdb.Open.
func LibMigrations() []*goose.Migration {
	return []*goose.Migration{
		outbox.Migration(outboxMigrationVersion),
		pgidempotency.Migration(idempotencyMigrationVersion),
	}
}
