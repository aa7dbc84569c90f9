package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

func TestLinesCarryServiceCorrelationAndTrace(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log, err := New("pricing", "info", &buf)
	if err != nil {
		t.Fatal(err)
	}
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	ctx := trace.ContextWithSpanContext(correlation.With(context.Background(), "cid-1"),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	log.InfoContext(ctx, "hello")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"service": "pricing", "correlation_id": "cid-1", "trace_id": tid.String(), "span_id": sid.String(), "msg": "hello", "level": "INFO"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v", k, line[k], v)
		}
	}
}

func TestUnknownLevelIsRefused(t *testing.T) {
	t.Parallel()
	if _, err := New("x", "loud", &bytes.Buffer{}); err == nil {
		t.Fatal("want error")
	}
}
