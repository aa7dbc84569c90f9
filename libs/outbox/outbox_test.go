package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/outbox"
)

func TestMain(m *testing.M) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	os.Exit(m.Run())
}

func TestAddRejectsIncompleteEvents(t *testing.T) {
	t.Parallel()
	pool, _ := newDB(t)
	valid := func() outbox.Event { return testEvent("e-1", 1) }
	tests := []struct {
		name   string
		mutate func(*outbox.Event)
	}{
		{"an event without a topic is rejected", func(e *outbox.Event) { e.Topic = "" }},
		{"an event without a type is rejected", func(e *outbox.Event) { e.EventType = "" }},
		{"an event without an entity id is rejected", func(e *outbox.Event) { e.EntityID = "" }},
		{"a negative entity version is rejected", func(e *outbox.Event) { e.EntityVersion = -1 }},
		{"a preset event id that is not a UUID is rejected", func(e *outbox.Event) { e.EventID = "abc" }},
		{"a nil payload is rejected", func(e *outbox.Event) { e.Payload = nil }},
		{"raw payload bytes that are not JSON are rejected", func(e *outbox.Event) { e.Payload = []byte("{oops") }},
		{"a payload that cannot be marshalled is rejected", func(e *outbox.Event) { e.Payload = math.Inf(1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := valid()
			tt.mutate(&e)
			ctx := context.Background()
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, valid(), e) })
			if !errors.Is(err, outbox.ErrInvalidEvent) {
				t.Fatalf("Add error = %v, want ErrInvalidEvent", err)
			}
		})
	}
	if n := pending(t, pool); n != 0 {
		t.Fatalf("%d rows written by rejected calls", n)
	}
}

func TestAddStoresDefaultsAndTheCallersContext(t *testing.T) {
	t.Parallel()
	pool, _ := newDB(t)
	ctx := correlation.With(context.Background(), "corr-42")
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:  trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled,
	})
	ctx = trace.ContextWithSpanContext(ctx, sc)
	e := outbox.Event{Topic: messaging.TopicOfferings, EventType: "OfferingPublished", EntityID: "o-1", EntityVersion: 2,
		Payload: json.RawMessage(`{"id":"o-1"}`)}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, e) }); err != nil {
		t.Fatal(err)
	}
	var (
		eventID, routingKey string
		schema              int
		headers             map[string]any
		occurred            time.Time
	)
	err := pool.QueryRow(ctx, `SELECT event_id::text, routing_key, schema_version, headers, occurred_at FROM outbox`).
		Scan(&eventID, &routingKey, &schema, &headers, &occurred)
	if err != nil {
		t.Fatal(err)
	}
	if eventID == "" || routingKey != "OfferingPublished" || schema != 1 || time.Since(occurred) > time.Minute {
		t.Errorf("defaults not applied: id=%q key=%q schema=%d occurred=%v", eventID, routingKey, schema, occurred)
	}
	if headers["correlation_id"] != "corr-42" {
		t.Errorf("headers correlation_id = %v", headers["correlation_id"])
	}
	tc, _ := headers["trace_context"].(map[string]any)
	if tp, _ := tc["traceparent"].(string); tp != "00-0102030405060708090a0b0c0d0e0f10-0102030405060708-01" {
		t.Errorf("headers trace_context = %v", headers["trace_context"])
	}
}

func TestCorrelationAndTraceReachTheConsumerHandler(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pool, _ := newDB(t)
	type seen struct {
		correlation string
		traceID     trace.TraceID
	}
	got := make(chan seen, 1)
	const group = "outbox-trace-test"
	env.TrackGroup(group)
	consumer := messaging.NewConsumer(env.Conn, messaging.ConsumerConfig{
		Group: group, Bindings: map[string][]string{messaging.TopicSpecifications: {"SpecificationCreated"}},
		Topology: env.Topology, LagInterval: -1,
	}, func(ctx context.Context, e messaging.Envelope) error {
		got <- seen{correlation.FromContext(ctx), trace.SpanContextFromContext(ctx).TraceID()}
		return nil
	}, nil)
	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- consumer.Run(cctx) }()
	defer func() { cancel(); <-done }()
	startRelay(t, outbox.NewRelay(pool, env.Conn, fastRelay(env.Topology), nil))

	traceID := trace.TraceID{0xa, 0xb, 0xc, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	ctx := trace.ContextWithSpanContext(correlation.With(context.Background(), "corr-e2e"),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: traceID, SpanID: trace.SpanID{9, 9, 9, 9, 9, 9, 9, 9}, TraceFlags: trace.FlagsSampled}))
	e := outbox.Event{Topic: messaging.TopicSpecifications, EventType: "SpecificationCreated", EntityID: "s-1", EntityVersion: 1,
		Payload: map[string]string{"id": "s-1"}}
	// The queue may not exist yet; the relay retries unroutable events until it does.
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Add(ctx, tx, e) }); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s.correlation != "corr-e2e" {
			t.Errorf("handler correlation id = %q", s.correlation)
		}
		if s.traceID != traceID {
			t.Errorf("handler trace id = %s, want %s", s.traceID, traceID)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("event never reached the handler")
	}
}
