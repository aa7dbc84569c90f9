package pgdb_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
)

func TestSpanNamesAreOperationAndTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, sql, op, table string
	}{
		{"a select names the table after FROM", "SELECT id, name FROM offerings WHERE id = $1", "SELECT", "offerings"},
		{"an insert names the table after INTO", "insert into outbox(id, topic) values ($1, $2)", "INSERT", "outbox"},
		{"an update names its table", "UPDATE prices SET locked = true WHERE id = ANY($1)", "UPDATE", "prices"},
		{"a delete names the table after FROM", "DELETE FROM processed_events WHERE at < $1", "DELETE", "processed_events"},
		{"a schema prefix and quotes are dropped", `SELECT 1 FROM "public"."items"`, "SELECT", "items"},
		{"a CTE is named after its outer statement", "WITH c AS (SELECT id FROM outbox LIMIT 10) UPDATE outbox SET claimed = now() FROM c", "UPDATE", "outbox"},
		{"a sub-query does not steal the table", "SELECT (SELECT count(*) FROM a) FROM b", "SELECT", "b"},
		{"a statement without a table has only the operation", "BEGIN", "BEGIN", ""},
		{"an empty statement is SQL", "  ", "SQL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			op, table := pgdb.SpanName(tt.sql)
			if op != tt.op || table != tt.table {
				t.Errorf("SpanName(%q) = %q, %q; want %q, %q", tt.sql, op, table, tt.op, tt.table)
			}
		})
	}
}

// Not parallel: it installs a global tracer provider.
func TestQueriesInsideARecordedSpanGetChildSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	pool, _ := pgtest.NewDB(t, sqlMigrations)
	ctx := context.Background()
	before := len(rec.Ended())
	if _, err := pool.Exec(ctx, "INSERT INTO items (id, name) VALUES (1, 'untraced')"); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Ended()); n != before {
		t.Fatalf("a query outside any span made %d spans, want none", n-before)
	}

	pctx, parent := tp.Tracer("test").Start(ctx, "use case")
	if _, err := pool.Exec(pctx, "UPDATE items SET name = 'traced' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	parent.End()
	var found bool
	for _, s := range rec.Ended()[before:] {
		if s.Name() != "UPDATE items" {
			continue
		}
		found = true
		if s.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("query span parent = %s, want %s", s.Parent().SpanID(), parent.SpanContext().SpanID())
		}
	}
	if !found {
		t.Fatalf("no UPDATE items span among %d spans", len(rec.Ended())-before)
	}
}
