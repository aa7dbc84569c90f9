// Package testdb creates a fresh, migrated PostgreSQL database per test and drops it afterwards.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// ServerURL is the admin URL: TEST_DATABASE_URL or the local default.
func ServerURL() string {
	if v := os.Getenv("TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// New creates database test_<prefix>_<random>, applies the Go migrations, and returns a pool and
// the database URL. The database is dropped (forcefully) at cleanup.
func New(t testing.TB, prefix string, migrations ...*goose.Migration) (*pgxpool.Pool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "test_" + prefix + "_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		t.Fatalf("connect %s: %v", ServerURL(), err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	u, _ := url.Parse(ServerURL())
	u.Path = "/" + name
	dbURL := u.String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, ServerURL())
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	if len(migrations) > 0 {
		cfg, err := pgx.ParseConfig(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		db := stdlib.OpenDB(*cfg)
		defer func(db *sql.DB) { _ = db.Close() }(db)
		p, err := goose.NewProvider(goose.DialectPostgres, db, nil, goose.WithGoMigrations(migrations...))
		if err != nil {
			t.Fatalf("goose provider: %v", err)
		}
		if _, err := p.Up(ctx); err != nil {
			t.Fatalf("migrate %s: %v", name, err)
		}
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatalf("pool %s: %v", name, err)
	}
	t.Cleanup(pool.Close)
	return pool, dbURL
}
