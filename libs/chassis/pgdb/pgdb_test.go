package pgdb_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
)

var sqlMigrations = fstest.MapFS{
	"00001_items.sql": {Data: []byte("-- +goose Up\nCREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);\n-- +goose Down\nDROP TABLE items;\n")},
}

func goMigration() *goose.Migration {
	return goose.NewGoMigration(2,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "CREATE TABLE extras (id int PRIMARY KEY)")
			return err
		}},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "DROP TABLE extras")
			return err
		}})
}

func tableExists(t *testing.T, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(context.Background(), "SELECT to_regclass($1) IS NOT NULL", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestFreshDatabaseMigratesUpDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewDB(t, sqlMigrations, goMigration())
	if !tableExists(t, pool, "items") || !tableExists(t, pool, "extras") {
		t.Fatal("tables missing after up")
	}
	if err := pgdb.Reset(ctx, pool, sqlMigrations, goMigration()); err != nil {
		t.Fatal(err)
	}
	if tableExists(t, pool, "items") || tableExists(t, pool, "extras") {
		t.Fatal("tables left after down")
	}
	if err := pgdb.Migrate(ctx, pool, sqlMigrations, goMigration()); err != nil {
		t.Fatal(err)
	}
	// Opening again is a no-op: the database exists and is current.
	again, err := pgdb.Open(ctx, dbURL, sqlMigrations, goMigration())
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if !tableExists(t, pool, "items") {
		t.Fatal("tables missing after second up")
	}
}

func TestInTxRollsBackOnErrorAndCommitsOtherwise(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := pgtest.NewDB(t, sqlMigrations)
	boom := errors.New("boom")
	err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO items VALUES (1, 'a')"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if err := pgdb.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO items VALUES (2, 'b')")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var ids []int
	rows, _ := pool.Query(ctx, "SELECT id FROM items ORDER BY id")
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil || len(ids) != 1 || ids[0] != 2 {
		t.Fatalf("ids = %v, err = %v", ids, err)
	}
}

func TestABadDatabaseURLIsRefusedClearly(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"mysql://x/y", "postgres://127.0.0.1:5432/"} {
		if err := pgdb.EnsureDatabase(context.Background(), u); err == nil {
			t.Fatalf("%s accepted", u)
		}
	}
}
