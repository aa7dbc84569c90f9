package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRequestsAreCountedByRoutePatternNotRawPath(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	r.Use(Middleware("metrics-test"))
	r.Get("/offerings/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Get("/boom", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	for _, path := range []string{"/offerings/1", "/offerings/2", "/boom", "/nowhere"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	tests := []struct {
		name          string
		route, status string
		want          float64
	}{
		{"two ids share one route series", "/offerings/{id}", "204", 2},
		{"a server error is counted with its status", "/boom", "500", 1},
		{"an unknown path is 'unmatched', not its raw path", "unmatched", "404", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testutil.ToFloat64(requests.WithLabelValues("metrics-test", http.MethodGet, tt.route, tt.status))
			if got != tt.want {
				t.Errorf("http_requests_total{route=%q,status=%q} = %v, want %v", tt.route, tt.status, got, tt.want)
			}
		})
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if body := rec.Body.String(); !strings.Contains(body, `http_request_duration_seconds_count{method="GET",route="/offerings/{id}",service="metrics-test"} 2`) {
		t.Errorf("/metrics lacks the duration histogram of the route")
	}
}

func TestAClientsOwnMethodIsCountedWithoutBeingCached(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	r.Use(Middleware("metrics-method-test"))
	r.Get("/things", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for range 2 {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("PURGE", "/things", nil))
	}
	got := testutil.ToFloat64(requests.WithLabelValues("metrics-method-test", "PURGE", "unmatched", "405"))
	if got != 2 {
		t.Errorf("PURGE requests counted %v times, want 2", got)
	}
}
