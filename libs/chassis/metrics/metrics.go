// Package metrics exposes Prometheus metrics: the /metrics handler and RED metrics per route.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
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
// which would let ids explode the label set). The metric children of each (method, route,
// status) are looked up once and kept, so a request does not re-hash and re-validate its
// label values.
func Middleware(service string) func(http.Handler) http.Handler {
	gauge := inFlight.WithLabelValues(service)
	var children sync.Map // seriesKey → *series
	seriesFor := func(k seriesKey) *series {
		if s, ok := children.Load(k); ok {
			return s.(*series)
		}
		s := &series{
			requests: requests.WithLabelValues(service, k.method, k.route, strconv.Itoa(k.status)),
			duration: duration.WithLabelValues(service, k.method, k.route),
		}
		actual, _ := children.LoadOrStore(k, s)
		return actual.(*series)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			gauge.Inc()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			defer func() {
				gauge.Dec()
				route := "unmatched"
				if rc := chi.RouteContext(r.Context()); rc != nil {
					if p := rc.RoutePattern(); p != "" {
						route = p
					}
				}
				if !standardMethod(r.Method) { // a client's own method: not worth a cache entry
					requests.WithLabelValues(service, r.Method, route, strconv.Itoa(sw.status)).Inc()
					duration.WithLabelValues(service, r.Method, route).Observe(time.Since(start).Seconds())
					return
				}
				s := seriesFor(seriesKey{method: r.Method, route: route, status: sw.status})
				s.requests.Inc()
				s.duration.Observe(time.Since(start).Seconds())
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// seriesKey identifies the metric children of one kind of request. Only the standard methods
// are cached, and route patterns and statuses are bounded, so the cache is too.
type seriesKey struct {
	method, route string
	status        int
}

type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
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

func standardMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}
