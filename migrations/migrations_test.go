package migrations_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"
)

// TestEveryServiceMigratesUpDownAndUpAgain runs each service's SQL migrations against a fresh
// database on the real PostgreSQL: up, all the way down, and up again.
func TestEveryServiceMigratesUpDownAndUpAgain(t *testing.T) {
	services := []string{"identity", "characteristic", "specification", "pricing", "offering", "engine"}
	for _, svc := range services {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			fsys, err := migrations.For(svc)
			if err != nil {
				t.Fatalf("no migrations for %s: %v", svc, err)
			}
			files, err := fs.Glob(fsys, "*.sql")
			if err != nil || len(files) == 0 {
				t.Fatalf("%s has no SQL migration files", svc)
			}
			ctx := context.Background()
			pool, _ := pgtest.NewDB(t, fsys)
			if err := pgdb.Reset(ctx, pool, fsys); err != nil {
				t.Fatalf("down: %v", err)
			}
			var tables int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
				WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`).Scan(&tables); err != nil {
				t.Fatal(err)
			}
			if tables != 0 {
				t.Fatalf("%d tables left after migrating down", tables)
			}
			if err := pgdb.Migrate(ctx, pool, fsys); err != nil {
				t.Fatalf("up again: %v", err)
			}
		})
	}
}

func TestAnUnknownServiceHasNoMigrations(t *testing.T) {
	t.Parallel()
	if _, err := migrations.For("nope"); err == nil {
		t.Fatal("want an error")
	}
}
