package outbox

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// NotifyChannel is the PostgreSQL NOTIFY channel the outbox trigger signals on every insert.
const NotifyChannel = "outbox_events"

const upSQL = `
CREATE TABLE IF NOT EXISTS outbox (
    id              bigserial   PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    topic           text        NOT NULL,
    routing_key     text        NOT NULL,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL DEFAULT 1,
    entity_id       text        NOT NULL,
    entity_version  bigint      NOT NULL,
    payload         jsonb       NOT NULL,
    headers         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (id) WHERE published_at IS NULL;
-- Rows that failed at the message level; normally empty, it keeps the claim's per-entity
-- ordering check (see relay) an index probe instead of a scan.
CREATE INDEX IF NOT EXISTS outbox_retrying_idx ON outbox (topic, entity_id, id) WHERE published_at IS NULL AND attempts > 0;
CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('` + NotifyChannel + `', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
`

const downSQL = `
DROP TABLE IF EXISTS outbox;
DROP FUNCTION IF EXISTS outbox_notify();
`

// Migration returns the goose Go migration that creates the outbox table, its indexes and the
// statement-level trigger that NOTIFYs NotifyChannel after every insert (delivered at commit,
// never for a rolled-back transaction). Pass it to pgdb.Open after the service's SQL migrations,
// with a version above theirs (e.g. 1000).
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
