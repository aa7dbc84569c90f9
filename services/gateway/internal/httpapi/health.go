package httpapi

import (
	"net/http"
	"sync"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

// DependenciesReport is the body of GET /health/dependencies.
type DependenciesReport struct {
	// Status is "healthy" when every upstream answered its /health, else "degraded".
	Status       string                      `json:"status"`
	Service      string                      `json:"service"`
	Dependencies map[string]DependencyStatus `json:"dependencies"`
}

// DependencyStatus is one upstream's health and breaker state.
type DependencyStatus struct {
	Status    string  `json:"status"`  // "healthy" or "unhealthy"
	Breaker   string  `json:"breaker"` // "closed", "half-open" or "open"
	URL       string  `json:"url"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// dependencies probes every upstream's /health concurrently (each bounded by the health
// timeout) and reports them with their breaker states. Always 200: the gateway itself is up.
func (g *Gateway) dependencies(w http.ResponseWriter, r *http.Request) {
	rep := DependenciesReport{Status: "healthy", Service: Service,
		Dependencies: make(map[string]DependencyStatus, len(routing.Upstreams))}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for _, name := range routing.Upstreams {
		up := g.upstreams[name]
		wg.Go(func() {
			start := time.Now()
			err := up.Probe(r.Context(), g.probe)
			st := DependencyStatus{Status: "healthy", Breaker: up.State(), URL: up.Target().String(),
				LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
			if err != nil {
				st.Status, st.Error = "unhealthy", err.Error()
			}
			mu.Lock()
			defer mu.Unlock()
			rep.Dependencies[name] = st
			if err != nil || st.Breaker != "closed" {
				rep.Status = "degraded"
			}
		})
	}
	wg.Wait()
	apierror.WriteJSON(w, http.StatusOK, rep)
}
