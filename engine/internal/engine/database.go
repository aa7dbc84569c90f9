package engine

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/migrations"
)

// DefaultMaxConns is the pool size the engine uses unless told otherwise: every job
// completion is a short transaction, and concurrent workers need connections in parallel.
const DefaultMaxConns = 16

// OpenDatabase creates the engine database if missing, migrates it and returns a pool of at
// most maxConns connections (DefaultMaxConns when 0).
func OpenDatabase(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	if err := pgdb.EnsureDatabase(ctx, url); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", cfg.ConnConfig.Database, err)
	}
	fsys, err := migrations.For("engine")
	if err != nil {
		pool.Close()
		return nil, err
	}
	if err := pgdb.Migrate(ctx, pool, fsys); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}
