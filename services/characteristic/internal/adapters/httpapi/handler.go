// Package httpapi is the HTTP adapter of the characteristic service: routes, request decoding,
// role checks and the one mapping from errors to the API's error envelope.
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/httpparams"

	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

// Handler serves the /api/v1/characteristics routes.
type Handler struct {
	svc    *app.Service
	mapper *apierror.Mapper
}

// NewHandler returns a Handler over the use cases.
func NewHandler(svc *app.Service, log *slog.Logger) *Handler {
	return &Handler{svc: svc, mapper: NewMapper(log)}
}

// NewMapper returns the chassis mapper that writes the envelope; domain errors reach it already
// translated by apiError.
func NewMapper(log *slog.Logger) *apierror.Mapper {
	return apierror.NewMapper(log)
}

// apiError is the service's one table from domain errors to HTTP status, code and message.
// The message is the domain error's own text (without the use case's wrapping); anything
// not listed passes through unchanged (the mapper answers 500 and logs it).
func apiError(err error) error {
	var (
		verr     *domain.ValidationError
		ref      *domain.ReferencedError
		mismatch *domain.VersionMismatchError
	)
	switch {
	case errors.As(err, &verr):
		out := &apierror.ValidationError{}
		for _, f := range verr.Fields {
			out.Add(f.Field, f.Message)
		}
		return out
	case errors.Is(err, domain.ErrNotFound):
		return apierror.New(http.StatusNotFound, apierror.CodeNotFound, domain.ErrNotFound.Error())
	case errors.Is(err, domain.ErrNameTaken):
		return apierror.New(http.StatusConflict, apierror.CodeConflict, domain.ErrNameTaken.Error())
	case errors.As(err, &ref):
		return apierror.New(http.StatusConflict, apierror.CodeConflict, ref.Error())
	case errors.As(err, &mismatch):
		return apierror.New(http.StatusPreconditionFailed, apierror.CodePreconditionFailed, mismatch.Error())
	}
	return err
}

// Mount adds the routes to r; every route verifies the bearer token with v, reads need
// ADMIN, USER or SERVICE and writes need ADMIN.
func (h *Handler) Mount(r chi.Router, v *auth.Verifier) {
	r.Route("/api/v1/characteristics", func(r chi.Router) {
		r.Use(auth.Middleware(v, nil))
		r.Group(func(r chi.Router) {
			r.Use(auth.RequireRole(auth.RoleAdmin, auth.RoleUser, auth.RoleService))
			r.Get("/", h.list)
			r.Get("/{char_id}", h.get)
		})
		r.Group(func(r chi.Router) {
			r.Use(auth.RequireRole(auth.RoleAdmin))
			r.Post("/", h.create)
			r.Put("/{char_id}", h.update)
			r.Delete("/{char_id}", h.delete)
		})
	})
}

// fail writes err as the error envelope.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.mapper.Write(w, r, apiError(err))
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	in, err := decodeCreate(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.svc.Create(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/characteristics/"+c.ID.String())
	w.Header().Set("ETag", httpparams.ETag(c.Version))
	apierror.WriteJSON(w, http.StatusCreated, toResponse(c))
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	p, err := parsePage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cs, err := h.svc.List(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]characteristicResponse, 0, len(cs))
	for _, c := range cs {
		out = append(out, toResponse(c))
	}
	apierror.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", httpparams.ETag(c.Version))
	apierror.WriteJSON(w, http.StatusOK, toResponse(c))
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	expected, err := httpparams.IfMatch(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	patch, err := decodeUpdate(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.svc.Update(r.Context(), app.UpdateCommand{ID: id, Patch: patch, ExpectedVersion: expected})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", httpparams.ETag(c.Version))
	apierror.WriteJSON(w, http.StatusOK, toResponse(c))
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	expected, err := httpparams.IfMatch(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.Delete(r.Context(), app.DeleteCommand{ID: id, ExpectedVersion: expected}); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
