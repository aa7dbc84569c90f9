// Package metrics exposes Prometheus metrics: the /metrics handler and RED metrics per route.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	requests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests served, by service, method, route pattern and status.",
	}, []string{"service", "method", "route", "status"})
	duration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "HTTP request latency by service, method and route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"service", "method", "route"})
	inFlight = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "http_requests_in_flight",
		Help: "HTTP requests being served.",
	}, []string{"service"})
)

// Handler serves the default registry in the Prometheus text format.
func Handler() http.Handler { return promhttp.Handler() }

// Middleware records rate, errors and duration per chi route pattern (never per raw path,
// which would let ids explode the label set).
func Middleware(service string) func(http.Handler) http.Handler {
	gauge := inFlight.WithLabelValues(service)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			gauge.Inc()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			defer func() {
				gauge.Dec()
				route := "unmatched"
				if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
					route = rc.RoutePattern()
				}
				requests.WithLabelValues(service, r.Method, route, strconv.Itoa(sw.status)).Inc()
				duration.WithLabelValues(service, r.Method, route).Observe(time.Since(start).Seconds())
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
