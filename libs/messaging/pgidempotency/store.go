// Package pgidempotency is the PostgreSQL implementation of messaging.IdempotencyStore: a
// processed_events table keyed by (consumer_group, event_id).
package pgidempotency

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/tmfcatalog/platform/libs/messaging"
)

const upSQL = `
CREATE TABLE IF NOT EXISTS processed_events (
    consumer_group text        NOT NULL,
    event_id       text        NOT NULL,
    processed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id)
);
CREATE INDEX IF NOT EXISTS processed_events_processed_at_idx ON processed_events (processed_at);
`

const downSQL = `DROP TABLE IF EXISTS processed_events;`

// Migration returns the goose Go migration creating the processed_events table; pass it to
// pgdb.Open after the service's own SQL migrations with a version above theirs.
func Migration(version int64) *goose.Migration {
	return goose.NewGoMigration(version,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, upSQL)
			return err
		}},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, downSQL)
			return err
		}},
	)
}

// Execer is the part of pgx.Tx, pgx.Conn and pgxpool.Pool the store needs.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Store records processed event ids in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
}

var _ messaging.IdempotencyStore = (*Store)(nil)

// New returns a store on pool (the table comes from Migration).
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Processed reports whether group already processed eventID.
func (s *Store) Processed(ctx context.Context, group, eventID string) (bool, error) {
	var exists bool
	err := s.pool.QueryRow(ctx,
		`SELECT EXISTS (SELECT 1 FROM processed_events WHERE consumer_group = $1 AND event_id = $2)`,
		group, eventID).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("check processed event %s/%s: %w", group, eventID, err)
	}
	return exists, nil
}

// MarkProcessed records that group processed eventID; marking twice is not an error.
func (s *Store) MarkProcessed(ctx context.Context, group, eventID string) error {
	_, err := mark(ctx, s.pool, group, eventID)
	return err
}

// MarkInTx records eventID as processed by group inside the handler's own transaction, so the
// record commits or rolls back with the handler's effect: exactly-once effects. It returns
// alreadyProcessed = true when the row existed; the handler should then skip its effect (and
// may commit or roll back; nothing changed).
func MarkInTx(ctx context.Context, tx pgx.Tx, consumerGroup, eventID string) (alreadyProcessed bool, err error) {
	inserted, err := mark(ctx, tx, consumerGroup, eventID)
	return !inserted, err
}

func mark(ctx context.Context, db Execer, group, eventID string) (inserted bool, err error) {
	tag, err := db.Exec(ctx,
		`INSERT INTO processed_events (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		group, eventID)
	if err != nil {
		return false, fmt.Errorf("mark event %s/%s processed: %w", group, eventID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Prune deletes records older than retention and returns how many went. Keep retention well
// above the longest time a duplicate can arrive (the outbox retention plus DLQ replays).
func (s *Store) Prune(ctx context.Context, retention time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM processed_events WHERE processed_at < now() - make_interval(secs => $1)`,
		retention.Seconds())
	if err != nil {
		return 0, fmt.Errorf("prune processed events: %w", err)
	}
	return tag.RowsAffected(), nil
}
