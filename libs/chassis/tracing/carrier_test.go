package tracing

import (
	"context"
	"net/http"
	"net/textproto"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

func TestHeaderCarrierAgreesWithTheStandardOne(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"traceparent", "tracestate", "baggage", "b3", "x-b3-traceid", "x-b3-spanid",
		"x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "x-other", "Already-Canonical"} {
		if got, want := canonicalKey(k), textproto.CanonicalMIMEHeaderKey(k); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", k, got, want)
		}
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	ours, std := http.Header{}, http.Header{}
	Propagator().Inject(ctx, HeaderCarrier(ours))
	Propagator().Inject(ctx, propagation.HeaderCarrier(std))
	if len(ours) != len(std) {
		t.Fatalf("injected %v, the standard carrier %v", ours, std)
	}
	for k, v := range std {
		if ours.Get(k) != v[0] {
			t.Fatalf("%s = %q, want %q", k, ours.Get(k), v[0])
		}
	}
	got := trace.SpanContextFromContext(Propagator().Extract(context.Background(), HeaderCarrier(std)))
	if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() || !got.IsSampled() {
		t.Fatalf("extracted %v, want %v", got, sc)
	}
}

func TestHeaderCarrierReadsTraceHeadersWithoutAllocating(t *testing.T) {
	h := http.Header{"Traceparent": {"00-01000000000000000000000000000000-0200000000000000-01"}}
	c := HeaderCarrier(h)
	if allocs := testing.AllocsPerRun(100, func() { _ = c.Get("traceparent"); _ = c.Get("x-b3-traceid") }); allocs != 0 {
		t.Fatalf("%v allocations per read", allocs)
	}
}
