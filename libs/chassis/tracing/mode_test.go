package tracing

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// Not parallel: Setup installs the global provider and mode.
func TestWillNotRecordFollowsWhatSetupInstalled(t *testing.T) {
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetTextMapPropagator(prevProp) })
	sampled := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled})
	unsampled := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})
	ctx := context.Background()

	if WillNotRecord(trace.SpanContext{}) || WillNotRecord(unsampled) {
		t.Fatal("without Setup, a provider installed by someone else is assumed to record")
	}

	stop, err := Setup(ctx, Config{Service: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []trace.SpanContext{{}, sampled, unsampled} {
		if !WillNotRecord(sc) {
			t.Errorf("no exporter: WillNotRecord(sampled=%v valid=%v) = false", sc.IsSampled(), sc.IsValid())
		}
	}
	_ = stop(ctx)
	if WillNotRecord(unsampled) {
		t.Error("after shutdown, WillNotRecord still assumes Setup's provider")
	}

	stop, err = Setup(ctx, Config{Service: "t", OTLPEndpoint: "http://127.0.0.1:1", SamplerArg: "1"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stop(ctx) }()
	tests := []struct {
		name   string
		parent trace.SpanContext
		want   bool
	}{
		{"a new trace may be sampled", trace.SpanContext{}, false},
		{"a sampled caller's trace is recorded", sampled, false},
		{"an unsampled caller's trace is not", unsampled, true},
	}
	for _, tt := range tests {
		if got := WillNotRecord(tt.parent); got != tt.want {
			t.Errorf("%s: WillNotRecord = %v, want %v", tt.name, got, tt.want)
		}
	}
}
