// Package postgres stores specifications, the characteristic replica and offering references
// in PostgreSQL and appends domain events to the transactional outbox.
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

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// Event types the service publishes on messaging.TopicSpecifications.
const (
	EventCreated = "SpecificationCreated"
	EventUpdated = "SpecificationUpdated"
	EventDeleted = "SpecificationDeleted"
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

// EventPayload is the payload of every specification event: the API's read shape plus version.
type EventPayload struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	CharacteristicIDs []string `json:"characteristic_ids"`
	Version           int64    `json:"version"`
	CreatedAt         string   `json:"created_at"`
	UpdatedAt         string   `json:"updated_at"`
}

func toEvent(eventType string, s domain.Specification, version int64) outbox.Event {
	ids := make([]string, len(s.CharacteristicIDs))
	for i, id := range s.CharacteristicIDs {
		ids[i] = id.String()
	}
	return outbox.Event{
		Topic:         messaging.TopicSpecifications,
		EventType:     eventType,
		EntityID:      s.ID.String(),
		EntityVersion: version,
		Payload: EventPayload{
			ID: s.ID.String(), Name: s.Name, CharacteristicIDs: ids, Version: version,
			CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339Nano),
			UpdatedAt: s.UpdatedAt.UTC().Format(time.RFC3339Nano),
		},
	}
}

const columns = `id, name, characteristic_ids, version, created_at, updated_at`

func scan(row pgx.Row) (domain.Specification, error) {
	var s domain.Specification
	if err := row.Scan(&s.ID, &s.Name, &s.CharacteristicIDs, &s.Version, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return domain.Specification{}, err
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, nil
}

// Add implements app.Repository.
func (r *Repository) Add(ctx context.Context, s domain.Specification) error {
	return pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		if err := requireReplicated(ctx, tx, s.CharacteristicIDs); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO specifications (`+columns+`) VALUES ($1,$2,$3,$4,$5,$6)`,
			s.ID, s.Name, s.CharacteristicIDs, s.Version, s.CreatedAt, s.UpdatedAt)
		if err != nil {
			return translate(err)
		}
		if err := r.outbox(ctx, tx, toEvent(EventCreated, s, s.Version)); err != nil {
			return fmt.Errorf("append %s: %w", EventCreated, err)
		}
		return nil
	})
}

// Get implements app.Repository.
func (r *Repository) Get(ctx context.Context, id uuid.UUID) (app.Expanded, error) {
	s, err := scan(r.pool.QueryRow(ctx, `SELECT `+columns+` FROM specifications WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Expanded{}, domain.ErrNotFound
	}
	if err != nil {
		return app.Expanded{}, fmt.Errorf("select specification: %w", err)
	}
	rows, err := r.pool.Query(ctx, `SELECT c.id, c.name, c.value, c.unit_of_measure, c.version
		FROM unnest($1::uuid[]) WITH ORDINALITY AS ref(id, pos)
		JOIN characteristic_replica c ON c.id = ref.id AND NOT c.deleted
		ORDER BY ref.pos`, s.CharacteristicIDs)
	if err != nil {
		return app.Expanded{}, fmt.Errorf("select characteristics: %w", err)
	}
	chars, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Characteristic, error) {
		var c domain.Characteristic
		err := row.Scan(&c.ID, &c.Name, &c.Value, &c.Unit, &c.Version)
		return c, err
	})
	if err != nil {
		return app.Expanded{}, fmt.Errorf("select characteristics: %w", err)
	}
	return app.Expanded{Specification: s, Characteristics: chars}, nil
}

// List implements app.Repository.
func (r *Repository) List(ctx context.Context, p app.Page) ([]domain.Specification, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+columns+` FROM specifications ORDER BY created_at, id OFFSET $1 LIMIT $2`,
		p.Skip, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("select specifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Specification, error) { return scan(row) })
	if err != nil {
		return nil, fmt.Errorf("select specifications: %w", err)
	}
	return out, nil
}

// Update implements app.Repository.
func (r *Repository) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Specification) error) (domain.Specification, error) {
	var out domain.Specification
	err := pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		s, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(&s); err != nil {
			return err
		}
		if err := requireReplicated(ctx, tx, s.CharacteristicIDs); err != nil {
			return err
		}
		s.Version++
		_, err = tx.Exec(ctx, `UPDATE specifications SET name=$2, characteristic_ids=$3, version=$4, updated_at=$5 WHERE id=$1`,
			s.ID, s.Name, s.CharacteristicIDs, s.Version, s.UpdatedAt)
		if err != nil {
			return translate(err)
		}
		if err := r.outbox(ctx, tx, toEvent(EventUpdated, s, s.Version)); err != nil {
			return fmt.Errorf("append %s: %w", EventUpdated, err)
		}
		out = s
		return nil
	})
	if err != nil {
		return domain.Specification{}, err
	}
	return out, nil
}

// Delete implements app.Repository. The deletion event carries the last version plus one.
func (r *Repository) Delete(ctx context.Context, id uuid.UUID, fn func(domain.Specification, []domain.OfferingRef) error) error {
	return pgdb.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		s, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		offerings, err := referencingOfferings(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(s, offerings); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM specifications WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete specification: %w", err)
		}
		if err := r.outbox(ctx, tx, toEvent(EventDeleted, s, s.Version+1)); err != nil {
			return fmt.Errorf("append %s: %w", EventDeleted, err)
		}
		return nil
	})
}

// Existing implements app.Repository.
func (r *Repository) Existing(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return existing(ctx, r.pool, `SELECT id FROM specifications WHERE id = ANY($1)`, ids)
}

func lock(ctx context.Context, tx pgx.Tx, id uuid.UUID) (domain.Specification, error) {
	s, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM specifications WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Specification{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Specification{}, fmt.Errorf("lock specification: %w", err)
	}
	return s, nil
}

// requireReplicated re-checks, inside the write transaction, that every characteristic is
// replicated and not deleted, holding a share lock so that a concurrent deletion event waits.
func requireReplicated(ctx context.Context, tx pgx.Tx, ids []uuid.UUID) error {
	found, err := existing(ctx, tx, `SELECT id FROM characteristic_replica WHERE id = ANY($1) AND NOT deleted FOR SHARE`, ids)
	if err != nil {
		return err
	}
	return domain.RequireCharacteristics(ids, found)
}

// referencingOfferings returns the live offerings that reference specification id.
func referencingOfferings(ctx context.Context, tx pgx.Tx, id uuid.UUID) ([]domain.OfferingRef, error) {
	rows, err := tx.Query(ctx, `SELECT offering_id, lifecycle_status, version FROM offering_references
		WHERE NOT deleted AND specification_ids @> ARRAY[$1::uuid] ORDER BY offering_id`, id)
	if err != nil {
		return nil, fmt.Errorf("select offering references: %w", err)
	}
	refs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.OfferingRef, error) {
		var (
			ref    domain.OfferingRef
			status string
		)
		err := row.Scan(&ref.OfferingID, &status, &ref.Version)
		ref.Status = domain.LifecycleStatus(status)
		return ref, err
	})
	if err != nil {
		return nil, fmt.Errorf("select offering references: %w", err)
	}
	return refs, nil
}

// querier is what pool and tx share for reads.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func existing(ctx context.Context, q querier, sql string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, sql, ids)
	if err != nil {
		return nil, fmt.Errorf("select existing ids: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("select existing ids: %w", err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// translate maps constraint violations to domain errors.
func translate(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "specifications_name_key" {
		return domain.ErrNameTaken
	}
	return fmt.Errorf("write specification: %w", err)
}
