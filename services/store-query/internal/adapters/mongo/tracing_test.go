package mongo_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
)

// Not parallel: it installs the global tracer provider.
func TestCommandsInsideARecordedSpanBecomeChildSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	cmd, err := bson.Marshal(bson.D{{Key: "update", Value: "store_offerings"}})
	if err != nil {
		t.Fatal(err)
	}
	m := mongo.Monitor()
	// Outside any span: nothing is recorded.
	m.Started(context.Background(), &event.CommandStartedEvent{Command: cmd, CommandName: "update", RequestID: 1, ConnectionID: "c1"})
	m.Succeeded(context.Background(), &event.CommandSucceededEvent{CommandFinishedEvent: event.CommandFinishedEvent{RequestID: 1, ConnectionID: "c1"}})
	if n := len(rec.Ended()); n != 0 {
		t.Fatalf("%d spans recorded outside a trace, want none", n)
	}
	ctx, parent := tp.Tracer("test").Start(context.Background(), "consume OfferingPublished")
	m.Started(ctx, &event.CommandStartedEvent{Command: cmd, CommandName: "update", DatabaseName: "store", RequestID: 2, ConnectionID: "c1"})
	m.Failed(ctx, &event.CommandFailedEvent{CommandFinishedEvent: event.CommandFinishedEvent{RequestID: 2, ConnectionID: "c1"}, Failure: "boom"})
	parent.End()
	ended := rec.Ended()
	if len(ended) != 2 {
		t.Fatalf("%d spans, want the command's and its parent", len(ended))
	}
	s := ended[0]
	if s.Name() != "update store_offerings" || s.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("span %q with parent %s, want 'update store_offerings' under %s", s.Name(), s.Parent().SpanID(), parent.SpanContext().SpanID())
	}
	if s.Status().Description != "boom" {
		t.Errorf("status = %+v, want the failure", s.Status())
	}
}

func TestSpanNameIsCommandAndCollection(t *testing.T) {
	t.Parallel()
	if got := mongo.SpanName("find", "offerings"); got != "find offerings" {
		t.Errorf("SpanName(find, offerings) = %q", got)
	}
	if got := mongo.SpanName("ping", ""); got != "ping" {
		t.Errorf("SpanName(ping, \"\") = %q", got)
	}
}
