package ferret

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses; registered as "sqlite"
)

// Why this file exists: FerretDB v1.24's SQLite backend answers a lone {_id: v} filter (and
// writes every updated or deleted document) with `WHERE _ferretdb_sjson->'$._id' = ?`, but the
// unique index it creates for _id is on `_ferretdb_sjson->"_id"`. SQLite uses an expression
// index only for the identical expression, so each of those statements scans and parses the
// whole table: ~90 ms per find at 20,000 documents. An index on the very expression the
// statements use turns them into index lookups (~1 ms at the same size). FerretDB knows nothing
// of this extra index (it lists indexes from its own metadata), and dropping the collection
// drops it with the table.

// idPathIndexSuffix names the extra index: "<table>" + suffix.
const idPathIndexSuffix = "_id_path"

// keepIDIndexes adds the _id path index to every collection table of every database in dir,
// now and then every interval (collections appear when first written), until ctx is done.
func keepIDIndexes(ctx context.Context, dir string, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := ensureIDIndexes(ctx, dir); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "ferret: add _id path indexes", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ensureIDIndexes adds the missing _id path indexes in every database file of dir.
func ensureIDIndexes(ctx context.Context, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return fmt.Errorf("list databases: %w", err)
	}
	var errs []error
	for _, f := range files {
		if err := ensureFileIDIndexes(ctx, f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Base(f), err))
		}
	}
	return errors.Join(errs...)
}

func ensureFileIDIndexes(ctx context.Context, file string) error {
	// mode=rw: a database FerretDB has just dropped must not be created again here. The
	// connection is opened per pass and closed, so no handle outlives a dropped file.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := tablesWithoutIDPath(ctx, db)
	if err != nil {
		if _, statErr := os.Stat(file); errors.Is(statErr, os.ErrNotExist) {
			return nil // dropped meanwhile
		}
		return err
	}
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idPathIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("index %s: %w", table, err)
		}
	}
	return nil
}

// tablesWithoutIDPath lists FerretDB's collection tables that lack the _id path index.
func tablesWithoutIDPath(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`, idPathIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil // a database without collections yet
		}
		return nil, fmt.Errorf("list collections: %w", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}
