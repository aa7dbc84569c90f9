package httpapi

import (
	_ "embed"
	"log/slog"
	"net/http"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apidocs"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
)

// ServiceName is the service's fixed name (logs, metrics, health).
const ServiceName = "specification"

// openAPIDoc is the service's own API document, served at /openapi.json and rendered at /docs.
//
//go:embed openapi.json
var openAPIDoc []byte

// RouterConfig holds what the HTTP adapter needs.
type RouterConfig struct {
	Service  *app.Service
	Verifier *auth.Verifier
	Health   *health.Registry
	Log      *slog.Logger
}

// NewRouter returns the service's complete HTTP handler: chassis middleware, /health,
// /metrics, /openapi.json, /docs and the authenticated API routes.
func NewRouter(cfg RouterConfig) http.Handler {
	r := httpserver.NewRouter(httpserver.Options{Service: ServiceName, Log: cfg.Log})
	if cfg.Health != nil {
		cfg.Health.Mount(r)
	}
	apidocs.MustMount(r, ServiceName, openAPIDoc)
	NewHandler(cfg.Service, cfg.Log).Mount(r, cfg.Verifier)
	return r
}

// NewOpsRouter returns the handler of a process that runs no API part (only consumers or
// workers): chassis middleware, /health, /health/ready and /metrics, so that every process
// can be probed.
func NewOpsRouter(checks *health.Registry, log *slog.Logger) http.Handler {
	r := httpserver.NewRouter(httpserver.Options{Service: ServiceName, Log: log})
	if checks != nil {
		checks.Mount(r)
	}
	return r
}
