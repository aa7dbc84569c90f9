// Package postgres stores offerings and the local id replicas in PostgreSQL and appends domain events to the
// outbox in the same transaction.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// Store implements app.Store on a pgx pool.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a Store over pool (migrated with the offering migrations, outbox and idempotency tables).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

var _ app.Store = (*Store)(nil)

// InTx runs fn in a READ COMMITTED transaction; the row lock (FOR UPDATE) serialises writers of one offering.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx app.Tx) error) error {
	return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, txn{tx: tx}) })
}

const selectOffering = `SELECT id, name, description, specification_ids::text[], pricing_ids::text[], sales_channels,
	lifecycle_status, version, saga_id, process_instance_key, failure_reason, created_at, updated_at, published_at, retired_at
	FROM offerings`

// Get implements app.Store.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (domain.Offering, error) {
	rows, err := s.pool.Query(ctx, selectOffering+` WHERE id = $1`, id)
	return one(rows, err)
}

// List implements app.Store.
func (s *Store) List(ctx context.Context, status *domain.Status, skip, limit int) ([]domain.Offering, error) {
	var st *string
	if status != nil {
		v := string(*status)
		st = &v
	}
	rows, err := s.pool.Query(ctx, selectOffering+` WHERE ($1::text IS NULL OR lifecycle_status = $1)
		ORDER BY created_at, id OFFSET $2 LIMIT $3`, st, skip, limit)
	if err != nil {
		return nil, fmt.Errorf("query offerings: %w", err)
	}
	os, err := pgx.CollectRows(rows, scanOffering)
	if err != nil {
		return nil, fmt.Errorf("scan offerings: %w", err)
	}
	return os, nil
}

// SetProcessInstance implements app.Store; only the offering's current saga may set it.
func (s *Store) SetProcessInstance(ctx context.Context, id, sagaID uuid.UUID, key int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE offerings SET process_instance_key = $3 WHERE id = $1 AND saga_id = $2`,
		id, sagaID, key); err != nil {
		return fmt.Errorf("set process instance: %w", err)
	}
	return nil
}

// StalledPublications implements app.Store.
func (s *Store) StalledPublications(ctx context.Context, before time.Time) ([]app.StalledPublication, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, saga_id FROM offerings
		WHERE lifecycle_status = 'PUBLISHING' AND process_instance_key IS NULL AND saga_id IS NOT NULL
		  AND updated_at < $1 ORDER BY updated_at LIMIT 100`, before)
	if err != nil {
		return nil, fmt.Errorf("query stalled publications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.StalledPublication, error) {
		var p app.StalledPublication
		return p, r.Scan(&p.OfferingID, &p.SagaID)
	})
	if err != nil {
		return nil, fmt.Errorf("query stalled publications: %w", err)
	}
	return out, nil
}

func one(rows pgx.Rows, err error) (domain.Offering, error) {
	if err != nil {
		return domain.Offering{}, fmt.Errorf("query offering: %w", err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOffering)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Offering{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Offering{}, fmt.Errorf("scan offering: %w", err)
	}
	return o, nil
}

func scanOffering(row pgx.CollectableRow) (domain.Offering, error) {
	var o domain.Offering
	var specs, prices []string
	var status string
	err := row.Scan(&o.ID, &o.Name, &o.Description, &specs, &prices, &o.SalesChannels, &status, &o.Version,
		&o.SagaID, &o.ProcessInstanceKey, &o.FailureReason, &o.CreatedAt, &o.UpdatedAt, &o.PublishedAt, &o.RetiredAt)
	if err != nil {
		return domain.Offering{}, err
	}
	if o.SpecificationIDs, err = parseIDs(specs); err != nil {
		return domain.Offering{}, err
	}
	if o.PricingIDs, err = parseIDs(prices); err != nil {
		return domain.Offering{}, err
	}
	if o.Status, err = domain.ParseStatus(status); err != nil {
		return domain.Offering{}, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

func parseIDs(in []string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(in))
	for i, s := range in {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("stored id %q: %w", s, err)
		}
		out[i] = id
	}
	return out, nil
}

func texts(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// txn implements app.Tx on one pgx transaction.
type txn struct{ tx pgx.Tx }

// Lock implements app.Tx.
func (t txn) Lock(ctx context.Context, id uuid.UUID) (domain.Offering, error) {
	rows, err := t.tx.Query(ctx, selectOffering+` WHERE id = $1 FOR UPDATE`, id)
	return one(rows, err)
}

// Insert implements app.Tx.
func (t txn) Insert(ctx context.Context, o domain.Offering) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO offerings (id, name, description, specification_ids, pricing_ids,
		sales_channels, lifecycle_status, version, saga_id, process_instance_key, failure_reason, created_at, updated_at,
		published_at, retired_at)
		VALUES ($1, $2, $3, $4::uuid[], $5::uuid[], $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		o.ID, o.Name, o.Description, texts(o.SpecificationIDs), texts(o.PricingIDs), channels(o.SalesChannels),
		string(o.Status), o.Version, o.SagaID, o.ProcessInstanceKey, o.FailureReason, o.CreatedAt, o.UpdatedAt,
		o.PublishedAt, o.RetiredAt)
	if err != nil {
		return fmt.Errorf("insert offering: %w", err)
	}
	return nil
}

// Save implements app.Tx.
func (t txn) Save(ctx context.Context, o domain.Offering) error {
	tag, err := t.tx.Exec(ctx, `UPDATE offerings SET name = $2, description = $3, specification_ids = $4::uuid[],
		pricing_ids = $5::uuid[], sales_channels = $6, lifecycle_status = $7, version = $8, saga_id = $9,
		process_instance_key = $10, failure_reason = $11, updated_at = $12, published_at = $13, retired_at = $14
		WHERE id = $1`,
		o.ID, o.Name, o.Description, texts(o.SpecificationIDs), texts(o.PricingIDs), channels(o.SalesChannels),
		string(o.Status), o.Version, o.SagaID, o.ProcessInstanceKey, o.FailureReason, o.UpdatedAt, o.PublishedAt, o.RetiredAt)
	if err != nil {
		return fmt.Errorf("update offering: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("update offering %s: %w", o.ID, domain.ErrNotFound)
	}
	return nil
}

func channels(c []string) []string {
	if c == nil {
		return []string{}
	}
	return c
}

// Remove implements app.Tx.
func (t txn) Remove(ctx context.Context, o domain.Offering) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM offerings WHERE id = $1`, o.ID); err != nil {
		return fmt.Errorf("delete offering: %w", err)
	}
	return nil
}

// Emit implements app.Tx.
func (t txn) Emit(ctx context.Context, eventType string, o domain.Offering) error {
	err := outbox.Add(ctx, t.tx, outbox.Event{
		Topic: messaging.TopicOfferings, EventType: eventType, EntityID: o.ID.String(), EntityVersion: o.Version,
		Payload: app.View(o),
	})
	if err != nil {
		return fmt.Errorf("outbox %s: %w", eventType, err)
	}
	return nil
}

// References implements app.Tx.
func (t txn) References(ctx context.Context, priceIDs, specIDs []uuid.UUID) (domain.References, error) {
	refs := domain.References{KnownPrices: map[uuid.UUID]bool{}, KnownSpecifications: map[uuid.UUID]bool{}}
	for table, ids := range map[string][]uuid.UUID{"known_prices": priceIDs, "known_specifications": specIDs} {
		if len(ids) == 0 {
			continue
		}
		rows, err := t.tx.Query(ctx, `SELECT id::text FROM `+table+` WHERE id = ANY($1::uuid[]) AND NOT deleted`, texts(ids))
		if err != nil {
			return domain.References{}, fmt.Errorf("query %s: %w", table, err)
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return domain.References{}, fmt.Errorf("scan %s: %w", table, err)
		}
		target := refs.KnownPrices
		if table == "known_specifications" {
			target = refs.KnownSpecifications
		}
		for _, s := range found {
			if id, err := uuid.Parse(s); err == nil {
				target[id] = true
			}
		}
	}
	return refs, nil
}

// ApplyReplica implements app.Tx.
func (t txn) ApplyReplica(ctx context.Context, kind app.ReplicaKind, id uuid.UUID, version int64, deleted bool) error {
	var table string
	switch kind {
	case app.ReplicaPrices:
		table = "known_prices"
	case app.ReplicaSpecifications:
		table = "known_specifications"
	default:
		return fmt.Errorf("unknown replica %q", kind)
	}
	// Version-aware upsert: an event older than (or as old as) the stored state changes nothing.
	_, err := t.tx.Exec(ctx, `INSERT INTO `+table+` AS r (id, version, deleted, updated_at) VALUES ($1, $2, $3, now())
		ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted, updated_at = now()
		WHERE r.version < EXCLUDED.version`, id, version, deleted)
	if err != nil {
		return fmt.Errorf("upsert %s: %w", table, err)
	}
	return nil
}

// MarkProcessed implements app.Tx.
func (t txn) MarkProcessed(ctx context.Context, group, eventID string) (bool, error) {
	done, err := pgidempotency.MarkInTx(ctx, t.tx, group, eventID)
	if err != nil {
		return false, fmt.Errorf("mark event %s processed: %w", eventID, err)
	}
	return done, nil
}
