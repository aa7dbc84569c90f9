package tracing

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestSamplerArgIsARatioBetweenZeroAndOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, arg, want string
		wantErr         bool
	}{
		{"an empty argument records every trace", "", "TraceIDRatioBased{1}", false},
		{"a ratio samples that share of new traces", "0.25", "TraceIDRatioBased{0.25}", false},
		{"zero records no new trace", "0", "TraceIDRatioBased{0}", false},
		{"text is refused", "half", "", true},
		{"a ratio above one is refused", "1.5", "", true},
		{"a negative ratio is refused", "-0.1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Sampler(tt.arg)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Sampler(%q) accepted", tt.arg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(s.Description(), tt.want) || !strings.HasPrefix(s.Description(), "ParentBased") {
				t.Errorf("Sampler(%q) = %s, want parent-based %s", tt.arg, s.Description(), tt.want)
			}
		})
	}
}

// The tests below install global providers, so they do not run in parallel.

func TestWithoutExporterSpansHaveIdsButAreNotRecorded(t *testing.T) {
	t.Setenv(SamplerArgEnv, "")
	shutdown, err := Setup(context.Background(), Config{Service: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	_, span := otel.Tracer("t").Start(context.Background(), "work")
	defer span.End()
	if !span.SpanContext().IsValid() {
		t.Fatal("span context is not valid: logs would lose the trace id")
	}
	if span.IsRecording() || span.SpanContext().IsSampled() {
		t.Fatal("span is recorded although no exporter is configured")
	}
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(trace2ctx(span), carrier)
	for _, k := range []string{"traceparent", "x-b3-traceid", "x-b3-spanid"} {
		if carrier[k] == "" {
			t.Errorf("header %s not propagated: %v", k, carrier)
		}
	}
}

func TestZipkinURLExportsSpansWithTheServiceName(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var spans []map[string]any
		if err := json.Unmarshal(body, &spans); err != nil {
			t.Errorf("not Zipkin v2 JSON: %s", body)
		}
		mu.Lock()
		got = append(got, spans...)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	shutdown, err := Setup(context.Background(), Config{Service: "pricing", ZipkinURL: srv.URL + "/api/v2/spans", SamplerArg: "1"})
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("t").Start(context.Background(), "lock prices")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("exported %d spans, want 1", len(got))
	}
	ep, _ := got[0]["localEndpoint"].(map[string]any)
	if got[0]["name"] != "lock prices" || ep["serviceName"] != "pricing" {
		t.Errorf("span = %v, want name 'lock prices' from service pricing", got[0])
	}
}

func TestABadSamplerArgStopsSetup(t *testing.T) {
	if _, err := Setup(context.Background(), Config{Service: "x", ZipkinURL: "http://127.0.0.1:1/api/v2/spans", SamplerArg: "lots"}); err == nil {
		t.Fatal("Setup accepted sampler argument 'lots'")
	}
}

func trace2ctx(span interface{ SpanContext() trace.SpanContext }) context.Context {
	return trace.ContextWithSpanContext(context.Background(), span.SpanContext())
}

func TestTransportPropagatesAndMakesClientSpansOnlyInsideRecordedSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(Propagator())
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("traceparent"))
		mu.Unlock()
	}))
	defer srv.Close()
	client := &http.Client{Transport: Transport(nil)}
	call := func(ctx context.Context) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	recorded, parent := tp.Tracer("t").Start(context.Background(), "use case")
	call(recorded)
	parent.End()
	sampledOut := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}}))
	call(sampledOut)

	ended := rec.Ended()
	if len(ended) != 2 || ended[0].Name() != "HTTP GET" || ended[0].Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Fatalf("spans = %v, want one HTTP GET client span under the use case", ended)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"00-" + parent.SpanContext().TraceID().String() + "-" + ended[0].SpanContext().SpanID().String() + "-01",
		"00-01000000000000000000000000000000-0200000000000000-00",
	}
	for i := range want {
		if i >= len(seen) || seen[i] != want[i] {
			t.Fatalf("traceparent headers = %v, want %v", seen, want)
		}
	}
}
