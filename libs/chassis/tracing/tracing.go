// Package tracing sets up OpenTelemetry for a process: the exporter chosen by environment,
// the sampler, and the propagators (W3C tracecontext + baggage, and B3 for Zipkin-era peers).
package tracing

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/contrib/propagators/b3"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	//lint:ignore SA1019 Zipkin is the trace backend the platform's requirements name; OTLP is the alternative.
	"go.opentelemetry.io/otel/exporters/zipkin"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// SamplerArgEnv is the standard OpenTelemetry variable holding the sampling ratio (0..1).
const SamplerArgEnv = "OTEL_TRACES_SAMPLER_ARG"

// Config selects the exporter: ZipkinURL wins, then OTLPEndpoint, else spans are not recorded
// at all (ids are still made and propagated, so they keep flowing through logs and headers).
type Config struct {
	Service      string
	ZipkinURL    string // e.g. http://127.0.0.1:9411/api/v2/spans
	OTLPEndpoint string // e.g. http://127.0.0.1:4318
	// SamplerArg is the ratio of new traces to record, "0".."1"; empty reads
	// OTEL_TRACES_SAMPLER_ARG, and when that is unset too every trace is recorded. A trace
	// started upstream follows its parent's decision.
	SamplerArg string
}

// Propagator is the one used for HTTP, AMQP headers and saga variables alike.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{}, b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader)))
}

// What the provider installed by Setup records (see WillNotRecord).
const (
	modeUnknown     int32 = iota // Setup not called: someone else's provider, assume it may record
	modeOff                      // no exporter: nothing is ever recorded
	modeParentBased              // exporter with the parent-based sampler
)

var mode atomic.Int32

// WillNotRecord reports whether a server span continuing parent is certain not to be recorded
// by the provider Setup installed: always when no exporter is configured, and for a parent
// that was not sampled under the parent-based sampler. Hot paths (the HTTP middleware) then
// skip the instrumentation's work and only carry the span context. It is false when Setup
// was not called (tests installing their own provider).
func WillNotRecord(parent trace.SpanContext) bool {
	switch mode.Load() {
	case modeOff:
		return true
	case modeParentBased:
		return parent.IsValid() && !parent.IsSampled()
	}
	return false
}

// Setup installs the global tracer provider and propagator. The returned function flushes
// and stops the exporter; call it on shutdown.
func Setup(ctx context.Context, cfg Config) (func(context.Context) error, error) {
	otel.SetTextMapPropagator(Propagator())
	var exporter sdktrace.SpanExporter
	var err error
	switch {
	case cfg.ZipkinURL != "":
		exporter, err = zipkin.New(cfg.ZipkinURL)
	case cfg.OTLPEndpoint != "":
		exporter, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(strings.TrimSuffix(cfg.OTLPEndpoint, "/")+"/v1/traces"))
	default:
		// No exporter: spans get ids (for logs and propagation) but are never recorded, which
		// keeps the hot paths (the gateway above all) almost free of tracing cost.
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()), sdktrace.WithResource(res(cfg.Service)))
		otel.SetTracerProvider(tp)
		mode.Store(modeOff)
		return shutdown(tp), nil
	}
	if err != nil {
		return nil, fmt.Errorf("trace exporter: %w", err)
	}
	sampler, err := Sampler(cfg.SamplerArg)
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sampler),
		sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(500*time.Millisecond)),
		sdktrace.WithResource(res(cfg.Service)),
	)
	otel.SetTracerProvider(tp)
	mode.Store(modeParentBased)
	return shutdown(tp), nil
}

// shutdown stops tp; WillNotRecord no longer assumes anything about the provider afterwards.
func shutdown(tp *sdktrace.TracerProvider) func(context.Context) error {
	return func(ctx context.Context) error {
		mode.Store(modeUnknown)
		return tp.Shutdown(ctx)
	}
}

// Sampler returns the parent-based ratio sampler for arg (see Config.SamplerArg).
func Sampler(arg string) (sdktrace.Sampler, error) {
	if arg == "" {
		arg = os.Getenv(SamplerArgEnv)
	}
	ratio := 1.0
	if arg = strings.TrimSpace(arg); arg != "" {
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || r < 0 || r > 1 {
			return nil, fmt.Errorf("%s %q: want a ratio between 0 and 1", SamplerArgEnv, arg)
		}
		ratio = r
	}
	return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio)), nil
}

// Transport wraps base (http.DefaultTransport when nil) so every outbound request carries the
// trace context (W3C and B3 headers) and, inside a recorded span, gets its own client span.
// Outside a recorded span (no exporter, or a trace not sampled) the request goes straight to
// base with the context injected only when the caller has not set traceparent already; that
// keeps a proxy like the gateway free of per-request tracing cost when nothing is exported.
func Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{base: base, traced: otelhttp.NewTransport(base,
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "HTTP " + r.Method }))}
}

type transport struct {
	base, traced http.RoundTripper
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	if trace.SpanFromContext(ctx).IsRecording() {
		return t.traced.RoundTrip(r)
	}
	if len(r.Header["Traceparent"]) == 0 && trace.SpanContextFromContext(ctx).IsValid() {
		r = r.Clone(ctx) // a RoundTripper must not change the caller's request
		otel.GetTextMapPropagator().Inject(ctx, HeaderCarrier(r.Header))
	}
	return t.base.RoundTrip(r)
}

// CloseIdleConnections closes the idle connections of the wrapped transport.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func res(service string) *resource.Resource {
	return resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(service))
}
