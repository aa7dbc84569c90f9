// Package httpapi is the store's public HTTP API: search, list and get of published
// offerings, plus health, metrics and the API's own OpenAPI document.
package httpapi

import (
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apidocs"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// ServiceName is the service's name in logs, metrics and traces.
const ServiceName = "store-query"

// openAPIDoc is the service's own API document, served at /openapi.json and rendered at /docs.
//
//go:embed openapi.json
var openAPIDoc []byte

// DegradedHeader names the engine that answered a search when the search engine failed.
const DegradedHeader = "X-Search-Degraded"

// Catalog is the read use case port.
type Catalog interface {
	Search(ctx context.Context, q domain.Query) (domain.Result, app.Degraded, error)
	Offering(ctx context.Context, id string) (domain.Document, error)
}

// Config wires the handler.
type Config struct {
	Catalog Catalog
	Health  *health.Registry
	Log     *slog.Logger
}

type handler struct {
	catalog Catalog
	errs    *apierror.Mapper
	log     *slog.Logger
}

// NewHandler builds the router. Every route is public.
func NewHandler(cfg Config) http.Handler {
	h := &handler{catalog: cfg.Catalog, errs: newMapper(cfg.Log), log: cfg.Log}
	r := httpserver.NewRouter(httpserver.Options{Service: ServiceName, Log: cfg.Log})
	cfg.Health.Mount(r)
	apidocs.MustMount(r, ServiceName, openAPIDoc)
	r.Route("/api/v1/store", func(r chi.Router) {
		r.Get("/search", h.search)
		r.Get("/offerings", h.list)
		r.Get("/offerings/{offering_id}", h.get)
	})
	return r
}

// newMapper is the one table from the store's errors to HTTP responses.
func newMapper(log *slog.Logger) *apierror.Mapper {
	return apierror.NewMapper(log,
		apierror.Is(domain.ErrNotFound, http.StatusNotFound, apierror.CodeNotFound),
		apierror.Rule{Match: func(err error) bool {
			var u *app.UnavailableError
			return errors.As(err, &u)
		}, Status: http.StatusServiceUnavailable, Code: apierror.CodeUnavailable},
	)
}

func (h *handler) runSearch(w http.ResponseWriter, r *http.Request, d defaults) (domain.Query, domain.Result, bool) {
	q, err := parseQuery(r.URL.Query(), d)
	if err != nil {
		h.errs.Write(w, r, err)
		return q, domain.Result{}, false
	}
	res, degraded, err := h.catalog.Search(r.Context(), q)
	if err != nil {
		h.errs.Write(w, r, err)
		return q, res, false
	}
	if degraded != "" {
		w.Header().Set(DegradedHeader, string(degraded))
	}
	return q, res, true
}

// search answers GET /api/v1/store/search: the page, the total and the facets.
func (h *handler) search(w http.ResponseWriter, r *http.Request) {
	q, res, ok := h.runSearch(w, r, searchDefaults)
	if !ok {
		return
	}
	apierror.WriteJSON(w, http.StatusOK, toSearch(q, res))
}

// list answers GET /api/v1/store/offerings: a bare array as in the reference, the total in
// X-Total-Count.
func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	_, res, ok := h.runSearch(w, r, listDefaults)
	if !ok {
		return
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(res.Total))
	apierror.WriteJSON(w, http.StatusOK, toOfferings(res.Items))
}

// get answers GET /api/v1/store/offerings/{offering_id}: only published offerings exist here.
func (h *handler) get(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "offering_id")
	if _, err := uuid.Parse(id); err != nil {
		h.errs.Write(w, r, apierror.Invalid("offering_id", "must be a UUID"))
		return
	}
	d, err := h.catalog.Offering(r.Context(), id)
	if errors.Is(err, domain.ErrNotFound) {
		h.errs.Write(w, r, apierror.New(http.StatusNotFound, apierror.CodeNotFound, "offering "+id+" not found"))
		return
	}
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, toOffering(d))
}
