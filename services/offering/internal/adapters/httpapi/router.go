// Package httpapi serves the offering REST API (reference offering OpenAPI) over the use cases.
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
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

// ServiceName is the service's fixed name (logs, metrics, health).
const ServiceName = "offering"

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
	h := &handlers{svc: c.Service, errs: newErrorWriter(c.Log)}
	r := httpserver.NewRouter(httpserver.Options{Service: ServiceName, Log: c.Log})
	if c.Health != nil {
		c.Health.Mount(r)
	}
	apidocs.MustMount(r, ServiceName, openAPIDoc)

	readers := auth.RequireRole(auth.RoleAdmin, auth.RoleUser, auth.RoleService)
	editors := auth.RequireRole(auth.RoleAdmin, auth.RoleUser)
	admins := auth.RequireRole(auth.RoleAdmin)
	saga := auth.RequireRole(auth.RoleAdmin, auth.RoleService)
	r.Route("/api/v1/offerings", func(r chi.Router) {
		r.Use(auth.Middleware(c.Verifier, nil))
		r.With(readers).Get("/", h.list)
		r.With(editors).Post("/", h.create)
		r.With(readers).Get("/{offering_id}", h.get)
		r.With(editors).Put("/{offering_id}", h.update)
		r.With(editors).Delete("/{offering_id}", h.delete)
		r.With(admins).Post("/{offering_id}/publish", h.publish)
		r.With(admins).Post("/{offering_id}/retire", h.retire)
		r.With(saga).Post("/{offering_id}/confirm", h.confirm)
		r.With(saga).Post("/{offering_id}/fail", h.fail)
	})
	return r
}
