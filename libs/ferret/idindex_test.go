package ferret_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/libs/ferret"
)

// A new collection gets the _id path index, and FerretDB's own lookup statement then uses it
// instead of scanning the table (see idindex.go).
func TestNewCollectionsGetAnIndexTheIDLookupUses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	srv, err := ferret.Start(ctx, dir, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	db := client.Database("idx")
	for i := range 50 {
		if _, err := db.Collection("docs").InsertOne(ctx, bson.M{"_id": fmt.Sprintf("d%03d", i), "v": i}); err != nil {
			t.Fatal(err)
		}
	}

	lite, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "idx.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	lite.SetMaxIdleConns(0) // a fresh connection per check reads the current schema
	var table string
	if err := lite.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = 'docs'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	plan := ""
	for deadline := time.Now().Add(20 * time.Second); ; {
		// The statement FerretDB runs for FindOne({_id}) and for every update or delete by _id.
		var id, parent, unused int
		err := lite.QueryRowContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"d001"`).
			Scan(&id, &parent, &unused, &plan)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plan, "USING INDEX") || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if !strings.Contains(plan, "USING INDEX "+table+"_id_path") {
		t.Fatalf("the _id lookup still scans: query plan %q", plan)
	}
	var doc bson.M
	if err := db.Collection("docs").FindOne(ctx, bson.M{"_id": "d007"}).Decode(&doc); err != nil || doc["v"] != int32(7) {
		t.Fatalf("find after indexing = %v, %v", doc, err)
	}
}
