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

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// Replica implements app.Replica over the characteristic_replica table.
type Replica struct {
	pool *pgxpool.Pool
}

var _ app.Replica = (*Replica)(nil)

// NewReplica returns a Replica.
func NewReplica(pool *pgxpool.Pool) *Replica { return &Replica{pool: pool} }

// Existing implements app.Replica.
func (r *Replica) Existing(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return existing(ctx, r.pool, `SELECT id FROM characteristic_replica WHERE id = ANY($1) AND NOT deleted`, ids)
}

// Store implements app.Replica.
func (r *Replica) Store(ctx context.Context, c domain.Characteristic) (bool, error) {
	var applied bool
	err := pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		var err error
		applied, err = upsertCharacteristic(ctx, tx, c)
		return err
	})
	return applied, err
}

// Apply implements app.Replica.
func (r *Replica) Apply(ctx context.Context, group, eventID string, c domain.Characteristic) (bool, error) {
	var applied bool
	err := pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		seen, err := pgidempotency.MarkInTx(ctx, tx, group, eventID)
		if err != nil {
			return fmt.Errorf("mark event %s: %w", eventID, err)
		}
		if seen {
			return nil
		}
		applied, err = upsertCharacteristic(ctx, tx, c)
		return err
	})
	return applied, err
}

func upsertCharacteristic(ctx context.Context, tx pgx.Tx, c domain.Characteristic) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO characteristic_replica (id, name, value, unit_of_measure, version, deleted, replicated_at)
		VALUES ($1, $2, $3, $4, $5, $6, now())
		ON CONFLICT (id) DO UPDATE
		SET name = EXCLUDED.name, value = EXCLUDED.value, unit_of_measure = EXCLUDED.unit_of_measure,
		    version = EXCLUDED.version, deleted = EXCLUDED.deleted, replicated_at = now()
		WHERE characteristic_replica.version < EXCLUDED.version`,
		c.ID, c.Name, c.Value, c.Unit, c.Version, c.Deleted)
	if err != nil {
		return false, fmt.Errorf("upsert characteristic replica: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Offerings implements app.OfferingRefs over the offering_references table.
type Offerings struct {
	pool *pgxpool.Pool
}

var _ app.OfferingRefs = (*Offerings)(nil)

// NewOfferings returns an Offerings store.
func NewOfferings(pool *pgxpool.Pool) *Offerings { return &Offerings{pool: pool} }

// Apply implements app.OfferingRefs.
func (o *Offerings) Apply(ctx context.Context, group, eventID string, ref domain.OfferingRef) (bool, error) {
	var applied bool
	err := pgdb.InTx(ctx, o.pool, func(tx pgx.Tx) error {
		seen, err := pgidempotency.MarkInTx(ctx, tx, group, eventID)
		if err != nil {
			return fmt.Errorf("mark event %s: %w", eventID, err)
		}
		if seen {
			return nil
		}
		ids := ref.SpecificationIDs
		if ids == nil {
			ids = []uuid.UUID{}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO offering_references (offering_id, lifecycle_status, specification_ids, version, deleted, updated_at)
			VALUES ($1, $2, $3, $4, $5, now())
			ON CONFLICT (offering_id) DO UPDATE
			SET lifecycle_status = EXCLUDED.lifecycle_status, specification_ids = EXCLUDED.specification_ids,
			    version = EXCLUDED.version, deleted = EXCLUDED.deleted, updated_at = now()
			WHERE offering_references.version < EXCLUDED.version`,
			ref.OfferingID, string(ref.Status), ids, ref.Version, ref.Deleted)
		if err != nil {
			return fmt.Errorf("upsert offering reference: %w", err)
		}
		applied = tag.RowsAffected() == 1
		return nil
	})
	return applied, err
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
