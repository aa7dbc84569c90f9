package httpserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tmfcatalog/platform/libs/chassis/tracing"
)

// Not parallel: it installs the global tracer provider and propagator.
func TestServerSpansAreNamedByRouteAndContinueTheCallersTrace(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(tracing.Propagator())
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetTextMapPropagator(prevProp) })

	h, _ := newTestRouter(t, 0)
	tests := []struct {
		name, header, value, wantTrace, wantParent string
	}{
		{"a W3C traceparent is continued", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
			"0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"},
		{"a B3 single header is continued", "b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
			"80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Ended())
			req := httptest.NewRequest(http.MethodGet, "/cid", nil)
			req.Header.Set(tt.header, tt.value)
			h.ServeHTTP(httptest.NewRecorder(), req)
			spans := rec.Ended()[before:]
			if len(spans) != 1 {
				t.Fatalf("got %d spans, want 1", len(spans))
			}
			s := spans[0]
			if s.Name() != "GET /cid" {
				t.Errorf("span name = %q, want GET /cid", s.Name())
			}
			if got := s.SpanContext().TraceID().String(); got != tt.wantTrace {
				t.Errorf("trace id = %s, want %s", got, tt.wantTrace)
			}
			if got := s.Parent().SpanID().String(); got != tt.wantParent {
				t.Errorf("parent span id = %s, want %s", got, tt.wantParent)
			}
		})
	}
}

// Not parallel: it installs the global tracer provider and propagator.
func TestWithoutAnExporterRequestsStillCarryTheCallersTraceIDs(t *testing.T) {
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetTextMapPropagator(prevProp) })
	stop, err := tracing.Setup(context.Background(), tracing.Config{Service: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop(context.Background()) })

	h, logs := newTestRouter(t, 0)
	req := httptest.NewRequest(http.MethodGet, "/cid", nil)
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !strings.Contains(logs.String(), `"trace_id":"0af7651916cd43dd8448eb211c80319c"`) {
		t.Errorf("the caller's trace id is not in the request's logs:\n%s", logs.String())
	}

	before := len(logs.String())
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/cid", nil))
	if !strings.Contains(logs.String()[before:], `"trace_id":"`) {
		t.Errorf("a request without trace context got no trace id of its own:\n%s", logs.String()[before:])
	}
}
