// Package postgres stores characteristics and specification references in PostgreSQL and
// appends domain events to the transactional outbox.
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
	"github.com/tmfcatalog/platform/libs/outbox"

	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

// Event types the service publishes on messaging.TopicCharacteristics.
const (
	EventCreated = "CharacteristicCreated"
	EventUpdated = "CharacteristicUpdated"
	EventDeleted = "CharacteristicDeleted"
)

// OutboxWriter appends events to the outbox inside tx; outbox.Add in production, a failing
// wrapper in tests.
type OutboxWriter func(ctx context.Context, tx pgx.Tx, events ...outbox.Event) error

// Repository implements app.Repository.
type Repository struct {
	pool   *pgxpool.Pool
	outbox OutboxWriter
}

var _ app.Repository = (*Repository)(nil)

// NewRepository returns a Repository writing events with w (nil means outbox.Add).
func NewRepository(pool *pgxpool.Pool, w OutboxWriter) *Repository {
	if w == nil {
		w = outbox.Add
	}
	return &Repository{pool: pool, outbox: w}
}

// EventPayload is the payload of every characteristic event: the API's read shape plus version.
type EventPayload struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Value         string `json:"value"`
	UnitOfMeasure string `json:"unit_of_measure"`
	Version       int64  `json:"version"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

func toEvent(eventType string, c domain.Characteristic, version int64) outbox.Event {
	return outbox.Event{
		Topic:         messaging.TopicCharacteristics,
		EventType:     eventType,
		EntityID:      c.ID.String(),
		EntityVersion: version,
		Payload: EventPayload{
			ID: c.ID.String(), Name: c.Name, Value: c.Value, UnitOfMeasure: string(c.Unit),
			Version:   version,
			CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano),
			UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339Nano),
		},
	}
}

const columns = `id, name, value, unit_of_measure, version, created_at, updated_at`

func scan(row pgx.Row) (domain.Characteristic, error) {
	var c domain.Characteristic
	var unit string
	if err := row.Scan(&c.ID, &c.Name, &c.Value, &unit, &c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return domain.Characteristic{}, err
	}
	c.Unit = domain.Unit(unit)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

// Add implements app.Repository.
func (r *Repository) Add(ctx context.Context, c domain.Characteristic) error {
	return pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO characteristics (`+columns+`) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			c.ID, c.Name, c.Value, string(c.Unit), c.Version, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return translate(err)
		}
		if err := r.outbox.Write(ctx, tx, toEvent(EventCreated, c, c.Version)); err != nil {
			return fmt.Errorf("append %s: %w", EventCreated, err)
		}
		return nil
	})
}

// Get implements app.Repository.
func (r *Repository) Get(ctx context.Context, id uuid.UUID) (domain.Characteristic, error) {
	c, err := scan(r.pool.QueryRow(ctx, `SELECT `+columns+` FROM characteristics WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Characteristic{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Characteristic{}, fmt.Errorf("select characteristic: %w", err)
	}
	return c, nil
}

// List implements app.Repository.
func (r *Repository) List(ctx context.Context, p app.Page) ([]domain.Characteristic, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+columns+` FROM characteristics ORDER BY created_at, id OFFSET $1 LIMIT $2`,
		p.Skip, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("select characteristics: %w", err)
	}
	defer rows.Close()
	out := []domain.Characteristic{}
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan characteristic: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select characteristics: %w", err)
	}
	return out, nil
}

// Update implements app.Repository.
func (r *Repository) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Characteristic) error) (domain.Characteristic, error) {
	var out domain.Characteristic
	err := pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		c, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		c.Version++
		_, err = tx.Exec(ctx, `UPDATE characteristics SET name=$2, value=$3, unit_of_measure=$4, version=$5, updated_at=$6 WHERE id=$1`,
			c.ID, c.Name, c.Value, string(c.Unit), c.Version, c.UpdatedAt)
		if err != nil {
			return translate(err)
		}
		if err := r.outbox.Write(ctx, tx, toEvent(EventUpdated, c, c.Version)); err != nil {
			return fmt.Errorf("append %s: %w", EventUpdated, err)
		}
		out = c
		return nil
	})
	if err != nil {
		return domain.Characteristic{}, err
	}
	return out, nil
}

// Delete implements app.Repository. The deletion event carries the last version plus one, so
// that consumers holding the last state see it as newer.
func (r *Repository) Delete(ctx context.Context, id uuid.UUID, fn func(domain.Characteristic, []uuid.UUID) error) error {
	return pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		c, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		refs, err := referencingSpecifications(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(c, refs); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM characteristics WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete characteristic: %w", err)
		}
		if err := r.outbox.Write(ctx, tx, toEvent(EventDeleted, c, c.Version+1)); err != nil {
			return fmt.Errorf("append %s: %w", EventDeleted, err)
		}
		return nil
	})
}

// Write calls the function; it lets OutboxWriter read like a method at the call sites.
func (w OutboxWriter) Write(ctx context.Context, tx pgx.Tx, events ...outbox.Event) error {
	return w(ctx, tx, events...)
}

func lock(ctx context.Context, tx pgx.Tx, id uuid.UUID) (domain.Characteristic, error) {
	c, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM characteristics WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Characteristic{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Characteristic{}, fmt.Errorf("lock characteristic: %w", err)
	}
	return c, nil
}

func referencingSpecifications(ctx context.Context, tx pgx.Tx, id uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `SELECT specification_id FROM specification_references
		WHERE NOT deleted AND characteristic_ids @> ARRAY[$1::uuid] ORDER BY specification_id`, id)
	if err != nil {
		return nil, fmt.Errorf("select references: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("select references: %w", err)
	}
	return ids, nil
}

// translate maps constraint violations to domain errors.
func translate(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "characteristics_name_key" {
		return domain.ErrNameTaken
	}
	return fmt.Errorf("write characteristic: %w", err)
}
