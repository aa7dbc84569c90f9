// Package pgdb opens a service's PostgreSQL database: it creates the database when missing,
// applies the goose migrations and returns a pool. It also runs use cases in transactions.
package pgdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/tmfcatalog/platform/libs/chassis/health"
)

// Open makes sure the database named in databaseURL exists, migrates it and returns a pool.
// Queries made inside a recorded trace span get their own span (see QueryTracer).
func Open(ctx context.Context, databaseURL string, migrations fs.FS, extra ...*goose.Migration) (*pgxpool.Pool, error) {
	if err := EnsureDatabase(ctx, databaseURL); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	if cfg.ConnConfig.Tracer == nil {
		cfg.ConnConfig.Tracer = QueryTracer{Database: cfg.ConnConfig.Database}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", cfg.ConnConfig.Database, err)
	}
	if err := Migrate(ctx, pool, migrations, extra...); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// EnsureDatabase creates the database named in databaseURL, through the same server's
// "postgres" database, unless it exists.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	name, adminURL, err := splitURL(databaseURL)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to postgres to create %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile by a sibling replica
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase removes the database named in databaseURL, closing its other sessions first.
func DropDatabase(ctx context.Context, databaseURL string) error {
	name, adminURL, err := splitURL(databaseURL)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to postgres to drop %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

func splitURL(databaseURL string) (name, adminURL string, err error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("DATABASE_URL %q: want postgres://user@host:port/dbname", redact(databaseURL))
	}
	name = strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", "", fmt.Errorf("DATABASE_URL %q names no database", redact(databaseURL))
	}
	u.Path = "/postgres"
	return name, u.String(), nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable>"
	}
	return u.Redacted()
}

// Migrate applies the SQL migrations in fsys (nil for none) and the extra Go migrations, in
// version order. Several replicas may start at once: goose takes a session lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, extra ...*goose.Migration) error {
	p, db, err := provider(pool, fsys, extra)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// Reset rolls every migration back (used by the migration tests).
func Reset(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, extra ...*goose.Migration) error {
	p, db, err := provider(pool, fsys, extra)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := p.DownTo(ctx, 0); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

func provider(pool *pgxpool.Pool, fsys fs.FS, extra []*goose.Migration) (*goose.Provider, *sql.DB, error) {
	db := stdlib.OpenDBFromPool(pool)
	locker, err := newLocker()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	opts := []goose.ProviderOption{goose.WithGoMigrations(extra...), goose.WithSessionLocker(locker)}
	if fsys == nil {
		fsys = emptyFS{}
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, opts...)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return p, db, nil
}

// InTx runs fn in one transaction and returns the commit error; fn's error rolls back.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
}

// Ping is a health check for the pool.
func Ping(pool *pgxpool.Pool) health.Check {
	return func(ctx context.Context) error { return pool.Ping(ctx) }
}
