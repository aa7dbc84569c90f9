// Package pgtest gives each test a fresh, migrated PostgreSQL database that is dropped when
// the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
)

// ServerURL is the test server: TEST_DATABASE_URL, or the local PostgreSQL.
func ServerURL() string {
	if v := os.Getenv("TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var unsafe = regexp.MustCompile(`[^a-z0-9_]+`)

// URL returns the URL of a new, not yet created, uniquely named database for t.
func URL(t testing.TB) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := unsafe.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	u, err := url.Parse(ServerURL())
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/t_" + name + "_" + hex.EncodeToString(b[:])
	return u.String()
}

// NewDB creates a fresh database, migrates it and returns a pool and its URL. The database
// is dropped in t.Cleanup.
func NewDB(t testing.TB, migrations fs.FS, extra ...*goose.Migration) (*pgxpool.Pool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dbURL := URL(t)
	pool, err := pgdb.Open(ctx, dbURL, migrations, extra...)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		dropCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := pgdb.DropDatabase(dropCtx, dbURL); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return pool, dbURL
}
