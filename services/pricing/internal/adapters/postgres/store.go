// Package postgres stores prices and their saga holds in PostgreSQL and appends domain events to the outbox
// in the same transaction.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// Store implements app.Store on a pgx pool.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a Store over pool (migrated with the pricing migrations, outbox and idempotency tables).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

var _ app.Store = (*Store)(nil)

// querier is what pgx.Tx and *pgxpool.Pool share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// InTx runs fn in a READ COMMITTED transaction; row locks (FOR UPDATE) serialise writers of the same prices.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx app.Tx) error) error {
	return pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, txn{tx: tx}) })
}

// Get implements app.Store.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (domain.Price, error) {
	ps, err := load(ctx, s.pool, selectPrice+` WHERE id = $1`, id)
	if err != nil {
		return domain.Price{}, err
	}
	if len(ps) == 0 {
		return domain.Price{}, domain.ErrNotFound
	}
	return ps[0], nil
}

// List implements app.Store.
func (s *Store) List(ctx context.Context, skip, limit int) ([]domain.Price, error) {
	return load(ctx, s.pool, selectPrice+` ORDER BY created_at, id OFFSET $1 LIMIT $2`, skip, limit)
}

const selectPrice = `SELECT id, name, value::text, unit, currency, version, created_at, updated_at FROM prices`

// load runs a price query and attaches each price's holds.
func load(ctx context.Context, q querier, sql string, args ...any) ([]domain.Price, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("query prices: %w", err)
	}
	ps, err := pgx.CollectRows(rows, scanPrice)
	if err != nil {
		return nil, fmt.Errorf("scan prices: %w", err)
	}
	if len(ps) == 0 {
		return ps, nil
	}
	ids := make([]uuid.UUID, len(ps))
	index := make(map[uuid.UUID]int, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
		index[p.ID] = i
	}
	rows, err = q.Query(ctx, `SELECT price_id, saga_id, offering_id, created_at FROM price_holds
		WHERE price_id = ANY($1) ORDER BY created_at, saga_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("query holds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var priceID uuid.UUID
		var h domain.Hold
		if err := rows.Scan(&priceID, &h.SagaID, &h.OfferingID, &h.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan hold: %w", err)
		}
		i := index[priceID]
		ps[i].Holds = append(ps[i].Holds, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read holds: %w", err)
	}
	return ps, nil
}

func scanPrice(row pgx.CollectableRow) (domain.Price, error) {
	var p domain.Price
	var value, currency string
	if err := row.Scan(&p.ID, &p.Name, &value, &p.Unit, &currency, &p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return domain.Price{}, err
	}
	amount, err := domain.ParseAmount(value)
	if err != nil {
		return domain.Price{}, fmt.Errorf("stored value of price %s: %w", p.ID, err)
	}
	p.Value = amount
	p.Currency = domain.Currency(currency)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// txn implements app.Tx on one pgx transaction.
type txn struct{ tx pgx.Tx }

// LockPrices implements app.Tx.
func (t txn) LockPrices(ctx context.Context, ids []uuid.UUID) ([]domain.Price, error) {
	return load(ctx, t.tx, selectPrice+` WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
}

// LockHeld implements app.Tx.
func (t txn) LockHeld(ctx context.Context, sagaID, offeringID uuid.NullUUID) ([]domain.Price, error) {
	return load(ctx, t.tx, selectPrice+` WHERE id IN (SELECT price_id FROM price_holds
		WHERE ($1::uuid IS NOT NULL AND saga_id = $1) OR ($2::uuid IS NOT NULL AND offering_id = $2))
		ORDER BY id FOR UPDATE`, sagaID, offeringID)
}

// Insert implements app.Tx.
func (t txn) Insert(ctx context.Context, p domain.Price) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO prices (id, name, value, unit, currency, version, created_at, updated_at)
		VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8)`,
		p.ID, p.Name, p.Value.String(), p.Unit, string(p.Currency), p.Version, p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert price: %w", nameConflict(err))
	}
	return t.saveHolds(ctx, p)
}

// Save implements app.Tx.
func (t txn) Save(ctx context.Context, p domain.Price) error {
	tag, err := t.tx.Exec(ctx, `UPDATE prices SET name = $2, value = $3::numeric, unit = $4, currency = $5,
		version = $6, updated_at = $7 WHERE id = $1`,
		p.ID, p.Name, p.Value.String(), p.Unit, string(p.Currency), p.Version, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("update price: %w", nameConflict(err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("update price %s: %w", p.ID, domain.ErrNotFound)
	}
	return t.saveHolds(ctx, p)
}

// saveHolds replaces the stored holds with p.Holds (the row lock on the price is held).
func (t txn) saveHolds(ctx context.Context, p domain.Price) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM price_holds WHERE price_id = $1`, p.ID); err != nil {
		return fmt.Errorf("clear holds: %w", err)
	}
	for _, h := range p.Holds {
		created := h.CreatedAt
		if created.IsZero() {
			created = time.Now().UTC()
		}
		if _, err := t.tx.Exec(ctx, `INSERT INTO price_holds (price_id, saga_id, offering_id, created_at)
			VALUES ($1, $2, $3, $4)`, p.ID, h.SagaID, h.OfferingID, created); err != nil {
			return fmt.Errorf("insert hold: %w", err)
		}
	}
	return nil
}

// Remove implements app.Tx.
func (t txn) Remove(ctx context.Context, p domain.Price) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM prices WHERE id = $1`, p.ID); err != nil {
		return fmt.Errorf("delete price: %w", err)
	}
	return nil
}

// Emit implements app.Tx.
func (t txn) Emit(ctx context.Context, eventType string, p domain.Price) error {
	err := outbox.Add(ctx, t.tx, outbox.Event{
		Topic: messaging.TopicPricing, EventType: eventType, EntityID: p.ID.String(), EntityVersion: p.Version,
		Payload: app.View(p),
	})
	if err != nil {
		return fmt.Errorf("outbox %s: %w", eventType, err)
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

func nameConflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "prices_name_key" {
		return domain.ErrDuplicateName
	}
	return err
}
