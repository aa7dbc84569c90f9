// Package httpserver builds the chi router every service starts from and runs it with
// timeouts and graceful shutdown.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/metrics"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"
)

// DefaultBodyLimit is the request body cap when Options leaves it zero.
const DefaultBodyLimit = 1 << 20

// ShutdownTimeout bounds how long in-flight requests may take to drain.
const ShutdownTimeout = 15 * time.Second

// Options configure NewRouter.
type Options struct {
	Service   string
	Log       *slog.Logger
	BodyLimit int64
	// AccessLog receives the one line per request (default Log). A proxy on the hot path may
	// give it a logger over a logging.LineBuffer, so lines cost a write per batch.
	AccessLog *slog.Logger
}

// NewRouter returns a router with the standard middleware chain and GET /metrics mounted.
// Unknown routes and methods answer the error envelope.
func NewRouter(o Options) chi.Router {
	if o.BodyLimit <= 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.AccessLog == nil {
		o.AccessLog = o.Log
	}
	r := chi.NewRouter()
	r.Use(
		Tracing(o.Service),
		Correlation,
		Recover(o.Log),
		AccessLog(o.AccessLog),
		metrics.Middleware(o.Service),
		SecurityHeaders,
		BodyLimit(o.BodyLimit),
	)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		apierror.Write(w, r, http.StatusNotFound, apierror.CodeNotFound, "no such route", nil)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		apierror.Write(w, r, http.StatusMethodNotAllowed, apierror.CodeMethodNotAllowed, "method not allowed on this route", nil)
	})
	r.Method(http.MethodGet, "/metrics", metrics.Handler())
	return r
}

// Tracing starts a server span per request (continuing W3C or B3 context from the headers).
// Once the router has matched, the span is renamed "{method} {route pattern}" and gets the
// http.route attribute, so ids in paths do not explode the span names.
//
// When the span cannot be recorded (tracing.WillNotRecord: no exporter, or a caller's trace
// that was not sampled) the request skips otelhttp altogether: it only gets a non-recording
// span continuing the caller's context, so trace ids still reach logs and outbound calls, at
// a fraction of the cost (no response-writer and body wrappers, no attributes).
func Tracing(service string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		tracer := otel.Tracer(tracerName)
		named := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			span := trace.SpanFromContext(r.Context())
			if !span.IsRecording() {
				return
			}
			if rc := chi.RouteContext(r.Context()); rc != nil {
				if p := rc.RoutePattern(); p != "" {
					span.SetName(r.Method + " " + p)
					span.SetAttributes(semconv.HTTPRoute(p))
				}
			}
		})
		traced := otelhttp.NewHandler(named, service,
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }),
			otelhttp.WithFilter(func(r *http.Request) bool {
				return r.URL.Path != "/metrics" && r.URL.Path != "/health" && r.URL.Path != "/health/ready"
			}),
		)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := otel.GetTextMapPropagator().Extract(r.Context(), tracing.HeaderCarrier(r.Header))
			if !tracing.WillNotRecord(trace.SpanContextFromContext(ctx)) {
				traced.ServeHTTP(w, r)
				return
			}
			ctx, span := tracer.Start(ctx, "HTTP request", trace.WithSpanKind(trace.SpanKindServer))
			defer span.End()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// tracerName names the tracer of the light path (otelhttp uses its own).
const tracerName = "github.com/tmfcatalog/platform/libs/chassis/httpserver"

// Serve listens on addr and serves h until ctx ends, then drains in-flight requests.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return ServeListener(ctx, ln, h, log)
}

// Listen opens a TCP listener ("127.0.0.1:0" picks a free port).
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// ServeListener serves h on ln until ctx ends, then shuts down gracefully.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.InfoContext(ctx, "http server listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	log.InfoContext(ctx, "http server stopped", "addr", ln.Addr().String())
	return nil
}
