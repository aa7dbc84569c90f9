// Package httpapi serves the pricing REST API (reference pricing OpenAPI) over the use cases.
package httpapi

import (
	_ "embed"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apidocs"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
)

// ServiceName is the service's fixed name (logs, metrics, health).
const ServiceName = "pricing"

// openAPIDoc is the service's own API document, served at /openapi.json and rendered at /docs.
//
//go:embed openapi.json
var openAPIDoc []byte

// Config wires the API.
type Config struct {
	Service  *app.Service
	Verifier *auth.Verifier
	Health   *health.Registry
	Log      *slog.Logger
}

// NewHandler builds the router: public health, metrics and docs; every /api/v1 route verifies the JWT and the role.
func NewHandler(c Config) http.Handler {
	h := &handlers{svc: c.Service, errs: newMapper(c.Log)}
	r := httpserver.NewRouter(httpserver.Options{Service: ServiceName, Log: c.Log})
	if c.Health != nil {
		c.Health.Mount(r)
	}
	apidocs.MustMount(r, ServiceName, openAPIDoc)

	readers := auth.RequireRole(auth.RoleAdmin, auth.RoleUser, auth.RoleService)
	admins := auth.RequireRole(auth.RoleAdmin)
	saga := auth.RequireRole(auth.RoleAdmin, auth.RoleService)
	r.Route("/api/v1/prices", func(r chi.Router) {
		r.Use(auth.Middleware(c.Verifier, nil))
		r.With(readers).Get("/", h.list)
		r.With(admins).Post("/", h.create)
		r.With(readers).Get("/{price_id}", h.get)
		r.With(admins).Put("/{price_id}", h.update)
		r.With(admins).Delete("/{price_id}", h.delete)
		r.With(saga).Post("/{price_id}/lock", h.lock)
		r.With(saga).Post("/{price_id}/unlock", h.unlock)
	})
	return r
}
