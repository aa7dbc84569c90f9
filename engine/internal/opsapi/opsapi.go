// Package opsapi is the saga engine's operations HTTP API (JSON): deployed definitions with
// their BPMN XML, instances with their element history, incidents, and the two operator
// actions — cancel an instance, retry (resolve) an incident.
package opsapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/engine/internal/engine"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// Engine is what the ops API needs from the engine.
type Engine interface {
	Definitions(ctx context.Context) ([]engine.DefinitionInfo, error)
	DefinitionXML(ctx context.Context, key int64) (string, error)
	Instances(ctx context.Context, f engine.InstanceFilter) ([]engine.InstanceSummary, int, error)
	Instance(ctx context.Context, key int64) (engine.InstanceDetail, error)
	Incidents(ctx context.Context, state string) ([]engine.Incident, error)
	CancelInstance(ctx context.Context, key int64) error
	ResolveIncident(ctx context.Context, key int64, retryJob bool) error
}

// Handler serves the ops API routes.
type Handler struct {
	eng    Engine
	errors *apierror.Mapper
}

// New returns the ops API handler.
func New(eng Engine, log *slog.Logger) *Handler {
	return &Handler{eng: eng, errors: apierror.NewMapper(log,
		apierror.Is(engine.ErrNotFound, http.StatusNotFound, apierror.CodeNotFound),
		apierror.Is(engine.ErrInvalidState, http.StatusConflict, apierror.CodeConflict),
		apierror.Is(engine.ErrInvalidArgument, http.StatusBadRequest, apierror.CodeBadRequest),
	)}
}

// Mount adds the routes under /api, behind the given middlewares (authentication).
func (h *Handler) Mount(r chi.Router, guards ...func(http.Handler) http.Handler) {
	r.Route("/api", func(r chi.Router) {
		r.Use(guards...)
		r.Get("/definitions", h.definitions)
		r.Get("/definitions/{key}/xml", h.definitionXML)
		r.Get("/instances", h.instances)
		r.Get("/instances/{key}", h.instance)
		r.Post("/instances/{key}/cancel", h.cancel)
		r.Get("/incidents", h.incidents)
		r.Post("/incidents/{key}/resolve", h.resolve)
	})
}

// list is the envelope of every list response.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`
}

func pathKey(r *http.Request) (int64, error) {
	k, err := strconv.ParseInt(chi.URLParam(r, "key"), 10, 64)
	if err != nil || k <= 0 {
		return 0, apierror.Invalid("key", "must be a positive integer key")
	}
	return k, nil
}

func oneOf(field, v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return apierror.Invalid(field, "must be one of "+joinOr(allowed))
}

func joinOr(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

func (h *Handler) definitions(w http.ResponseWriter, r *http.Request) {
	defs, err := h.eng.Definitions(r.Context())
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	if defs == nil {
		defs = []engine.DefinitionInfo{}
	}
	apierror.WriteJSON(w, http.StatusOK, list[engine.DefinitionInfo]{Items: defs, Total: len(defs)})
}

func (h *Handler) definitionXML(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	xml, err := h.eng.DefinitionXML(r.Context(), key)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml))
}

func (h *Handler) instances(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := engine.InstanceFilter{State: q.Get("state"), ProcessID: q.Get("bpmn_process_id"), Limit: 50}
	v := &apierror.ValidationError{}
	if err := oneOf("state", f.State, "ACTIVE", "COMPLETED", "CANCELED"); err != nil {
		v.Add("state", "must be one of ACTIVE, COMPLETED, CANCELED")
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			v.Add("limit", "must be an integer from 1 to 500")
		}
		f.Limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			v.Add("offset", "must be a non-negative integer")
		}
		f.Offset = n
	}
	if err := v.OrNil(); err != nil {
		h.errors.Write(w, r, err)
		return
	}
	items, total, err := h.eng.Instances(r.Context(), f)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	if items == nil {
		items = []engine.InstanceSummary{}
	}
	apierror.WriteJSON(w, http.StatusOK, list[engine.InstanceSummary]{Items: items, Total: total, Limit: f.Limit, Offset: f.Offset})
}

func (h *Handler) instance(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	d, err := h.eng.Instance(r.Context(), key)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, d)
}

func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	if err := h.eng.CancelInstance(r.Context(), key); err != nil {
		h.errors.Write(w, r, err)
		return
	}
	h.instance(w, r)
}

func (h *Handler) incidents(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if err := oneOf("state", state, "ACTIVE", "RESOLVED"); err != nil {
		h.errors.Write(w, r, err)
		return
	}
	items, err := h.eng.Incidents(r.Context(), state)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	if items == nil {
		items = []engine.Incident{}
	}
	apierror.WriteJSON(w, http.StatusOK, list[engine.Incident]{Items: items, Total: len(items)})
}

// resolve retries an incident: a job incident gets retries 1 (when exhausted) and is resolved.
func (h *Handler) resolve(w http.ResponseWriter, r *http.Request) {
	key, err := pathKey(r)
	if err != nil {
		h.errors.Write(w, r, err)
		return
	}
	if err := h.eng.ResolveIncident(r.Context(), key, true); err != nil {
		h.errors.Write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
