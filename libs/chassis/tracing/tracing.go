// Package tracing sets up OpenTelemetry for a process: the exporter chosen by environment and
// the propagators (W3C tracecontext + baggage, and B3 for Zipkin-era peers).
package tracing

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/contrib/propagators/b3"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/zipkin"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// Config selects the exporter: ZipkinURL wins, then OTLPEndpoint, else spans are not exported
// (propagation still works, so ids keep flowing through logs).
type Config struct {
	Service      string
	ZipkinURL    string // e.g. http://127.0.0.1:9411/api/v2/spans
	OTLPEndpoint string // e.g. http://127.0.0.1:4318
}

// Propagator is the one used for HTTP, AMQP headers and saga variables alike.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{}, b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader)))
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
		exporter, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.OTLPEndpoint+"/v1/traces"))
	default:
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithResource(res(cfg.Service)))
		otel.SetTracerProvider(tp)
		return tp.Shutdown, nil
	}
	if err != nil {
		return nil, fmt.Errorf("trace exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(500*time.Millisecond)),
		sdktrace.WithResource(res(cfg.Service)),
	)
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

func res(service string) *resource.Resource {
	return resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(service))
}
