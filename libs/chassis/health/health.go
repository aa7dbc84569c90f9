// Package health serves /health (liveness with dependency states) and /health/ready.
package health

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// Check reports a dependency's state: nil when it is usable.
type Check func(ctx context.Context) error

// Registry holds the dependency checks of one service.
type Registry struct {
	service string
	timeout time.Duration
	mu      sync.Mutex
	checks  map[string]Check
}

// New returns an empty Registry; each check gets at most two seconds.
func New(service string) *Registry {
	return &Registry{service: service, timeout: 2 * time.Second, checks: map[string]Check{}}
}

// Add registers a dependency check under name.
func (r *Registry) Add(name string, check Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks[name] = check
}

// Report is the body of both health routes.
type Report struct {
	Status       string                `json:"status"`
	Service      string                `json:"service"`
	Dependencies map[string]Dependency `json:"dependencies"`
}

// Dependency is one check's outcome.
type Dependency struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// Run runs every check concurrently and reports whether all passed.
func (r *Registry) Run(ctx context.Context) (Report, bool) {
	r.mu.Lock()
	names := make([]string, 0, len(r.checks))
	for n := range r.checks {
		names = append(names, n)
	}
	checks := make([]Check, len(names))
	sort.Strings(names)
	for i, n := range names {
		checks[i] = r.checks[n]
	}
	r.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	results := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c(ctx)
		}()
	}
	wg.Wait()

	rep := Report{Status: "ok", Service: r.service, Dependencies: make(map[string]Dependency, len(names))}
	healthy := true
	for i, n := range names {
		if results[i] != nil {
			healthy = false
			rep.Dependencies[n] = Dependency{Status: "down", Error: results[i].Error()}
			continue
		}
		rep.Dependencies[n] = Dependency{Status: "up"}
	}
	if !healthy {
		rep.Status = "degraded"
	}
	return rep, healthy
}

// Mount adds GET /health (always 200 while the process serves) and GET /health/ready
// (503 while any dependency is down).
func (r *Registry) Mount(router chi.Router) {
	router.Get("/health", func(w http.ResponseWriter, req *http.Request) {
		rep, _ := r.Run(req.Context())
		apierror.WriteJSON(w, http.StatusOK, rep)
	})
	router.Get("/health/ready", func(w http.ResponseWriter, req *http.Request) {
		rep, ok := r.Run(req.Context())
		status := http.StatusOK
		if !ok {
			status = http.StatusServiceUnavailable
		}
		apierror.WriteJSON(w, status, rep)
	})
}
