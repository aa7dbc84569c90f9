package postgres

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/migrations"
)

// Versions of the Go migrations that follow the SQL ones (kept far above the SQL file numbers).
const (
	outboxMigration      = 9001
	idempotencyMigration = 9002
)

// Migrations returns the offering SQL migrations and the library Go migrations (outbox, processed events).
func Migrations() (fs.FS, []*goose.Migration, error) {
	sqlFS, err := migrations.For("offering")
	if err != nil {
		return nil, nil, err
	}
	return sqlFS, []*goose.Migration{outbox.Migration(outboxMigration), pgidempotency.Migration(idempotencyMigration)}, nil
}

// Open creates the database if missing, migrates it and returns a pool.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	sqlFS, extra, err := Migrations()
	if err != nil {
		return nil, err
	}
	pool, err := pgdb.Open(ctx, url, sqlFS, extra...)
	if err != nil {
		return nil, fmt.Errorf("open offering database: %w", err)
	}
	return pool, nil
}
