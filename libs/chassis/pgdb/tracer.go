package pgdb

import (
	"context"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const tracerName = "github.com/tmfcatalog/platform/libs/chassis/pgdb"

// maxStatement bounds the SQL text kept on a span.
const maxStatement = 2000

// QueryTracer is a pgx.QueryTracer that records one client span per query, named
// "{operation} {table}" (e.g. "SELECT offerings"). It only traces queries made inside an
// already recorded span, so background polling (outbox relay, lag watchers) and untraced
// processes add no spans and almost no cost.
type QueryTracer struct {
	// Database names the database on every span (db.name).
	Database string
}

type spanKey struct{}

// TraceQueryStart starts the query span.
func (t QueryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	stmt := data.SQL
	if len(stmt) > maxStatement {
		stmt = stmt[:maxStatement]
	}
	op, table := SpanName(data.SQL)
	name := op
	if table != "" {
		name += " " + table
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system", "postgresql"),
			attribute.String("db.name", t.Database),
			attribute.String("db.operation", op),
			attribute.String("db.sql.table", table),
			attribute.String("db.statement", stmt),
		))
	return context.WithValue(ctx, spanKey{}, span)
}

// TraceQueryEnd ends the span started by TraceQueryStart, recording a failure.
func (t QueryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	span, ok := ctx.Value(spanKey{}).(trace.Span)
	if !ok {
		return
	}
	if data.Err != nil && data.Err != pgx.ErrNoRows {
		span.RecordError(data.Err)
		span.SetStatus(codes.Error, data.Err.Error())
	} else {
		span.SetAttributes(attribute.Int64("db.rows_affected", data.CommandTag.RowsAffected()))
	}
	span.End()
}

// SpanName returns the operation (upper-case first keyword; for WITH ... the outer
// statement's) and the main table of a SQL statement; the table is "" when none is found.
// Only words outside parentheses count, so sub-queries and CTE bodies do not mislead it.
func SpanName(sql string) (op, table string) {
	words := topLevelWords(sql)
	if len(words) == 0 {
		return "SQL", ""
	}
	op = strings.ToUpper(words[0])
	if op == "WITH" {
		for i, w := range words[1:] {
			if u := strings.ToUpper(w); u == "SELECT" || u == "INSERT" || u == "UPDATE" || u == "DELETE" {
				op, words = u, words[i+1:]
				break
			}
		}
	}
	after := func(kw string) string {
		for i := 1; i+1 < len(words); i++ {
			if strings.EqualFold(words[i], kw) {
				return cleanTable(words[i+1])
			}
		}
		return ""
	}
	switch op {
	case "SELECT", "DELETE":
		table = after("FROM")
	case "INSERT":
		table = after("INTO")
	case "UPDATE":
		if len(words) > 1 {
			table = cleanTable(words[1])
		}
		if strings.EqualFold(table, "ONLY") {
			table = after("ONLY")
		}
	}
	return op, table
}

// topLevelWords splits sql into words, leaving out whatever sits inside parentheses.
func topLevelWords(sql string) []string {
	var words []string
	depth, start := 0, -1
	flush := func(i int) {
		if start >= 0 {
			words = append(words, sql[start:i])
			start = -1
		}
	}
	for i, r := range sql {
		switch {
		case r == '(':
			flush(i)
			depth++
		case r == ')':
			flush(i)
			depth = max(depth-1, 0)
		case unicode.IsSpace(r) || r == ',' || r == ';':
			flush(i)
		case depth == 0 && start < 0:
			start = i
		}
	}
	flush(len(sql))
	return words
}

func cleanTable(s string) string {
	s = strings.Trim(s, `"`)
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = strings.Trim(s[i+1:], `"`)
	}
	return s
}
