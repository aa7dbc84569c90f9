package mongo

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/event"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const tracerName = "github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"

// commandTracer turns driver command events into client spans named "{command} {collection}"
// (e.g. "update store_offerings"). Like the pgx tracer of the chassis, it only traces commands
// made inside an already recorded span, so the index loop and health pings add no traces.
type commandTracer struct {
	spans sync.Map // commandKey → trace.Span
}

type commandKey struct {
	conn string
	id   int64
}

// Monitor returns the driver's CommandMonitor that records the spans.
func Monitor() *event.CommandMonitor {
	t := &commandTracer{}
	return &event.CommandMonitor{Started: t.started, Succeeded: t.succeeded, Failed: t.failed}
}

func (t *commandTracer) started(ctx context.Context, e *event.CommandStartedEvent) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return
	}
	collection, _ := e.Command.Lookup(e.CommandName).StringValueOK()
	name := SpanName(e.CommandName, collection)
	_, span := otel.Tracer(tracerName).Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system", "mongodb"),
			attribute.String("db.name", e.DatabaseName),
			attribute.String("db.operation", e.CommandName),
			attribute.String("db.mongodb.collection", collection),
		))
	t.spans.Store(commandKey{e.ConnectionID, e.RequestID}, span)
}

func (t *commandTracer) succeeded(_ context.Context, e *event.CommandSucceededEvent) {
	if v, ok := t.spans.LoadAndDelete(commandKey{e.ConnectionID, e.RequestID}); ok {
		v.(trace.Span).End()
	}
}

func (t *commandTracer) failed(_ context.Context, e *event.CommandFailedEvent) {
	if v, ok := t.spans.LoadAndDelete(commandKey{e.ConnectionID, e.RequestID}); ok {
		span := v.(trace.Span)
		span.SetStatus(codes.Error, e.Failure)
		span.End()
	}
}

// SpanName names a command's span "{command} {collection}", or just the command when it
// targets no collection (ping, listCollections with a filter...).
func SpanName(command, collection string) string {
	if collection == "" {
		return command
	}
	return command + " " + collection
}
