// Package httpapi is the HTTP adapter of the specification service: routes, request decoding,
// role checks and the one mapping from errors to the API's error envelope.
package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/httpparams"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// Handler serves the /api/v1/specifications routes.
type Handler struct {
	svc    *app.Service
	mapper *apierror.Mapper
	log    *slog.Logger
}

// NewHandler returns a Handler over the use cases.
func NewHandler(svc *app.Service, log *slog.Logger) *Handler {
	return &Handler{svc: svc, mapper: NewMapper(log), log: log}
}

// NewMapper returns the chassis mapper that writes the envelope; domain errors reach it already
// translated by apiError.
func NewMapper(log *slog.Logger) *apierror.Mapper {
	return apierror.NewMapper(log)
}

// apiError is the service's one table from domain and use-case errors to HTTP status, code
// and message. The message is the domain error's own text (without the use case's wrapping);
// an unreachable characteristic service becomes a 503 whose cause is not sent. Anything not
// listed passes through unchanged (the mapper answers 500 and logs it).
func apiError(err error) error {
	var (
		verr     *domain.ValidationError
		unknown  *domain.UnknownCharacteristicsError
		ref      *domain.ReferencedError
		mismatch *domain.VersionMismatchError
	)
	switch {
	case errors.As(err, &verr):
		return toValidation(verr.Fields)
	case errors.As(err, &unknown):
		return toValidation(unknown.Fields)
	case errors.Is(err, domain.ErrNotFound):
		return apierror.New(http.StatusNotFound, apierror.CodeNotFound, domain.ErrNotFound.Error())
	case errors.Is(err, domain.ErrNameTaken):
		return apierror.New(http.StatusConflict, apierror.CodeConflict, domain.ErrNameTaken.Error())
	case errors.As(err, &ref):
		return apierror.New(http.StatusConflict, apierror.CodeConflict, ref.Error())
	case errors.As(err, &mismatch):
		return apierror.New(http.StatusPreconditionFailed, apierror.CodePreconditionFailed, mismatch.Error())
	case errors.Is(err, app.ErrDirectoryUnavailable):
		return &apierror.Error{Status: http.StatusServiceUnavailable, Code: apierror.CodeUnavailable,
			Message: "the characteristic service is unavailable; retry later", RetryAfter: 5}
	}
	return err
}

// Mount adds the routes to r; every route verifies the bearer token with v. Reads need
// ADMIN, USER or SERVICE; writes need ADMIN; the saga compatibility route /validate needs
// ADMIN or SERVICE.
func (h *Handler) Mount(r chi.Router, v *auth.Verifier) {
	r.Route("/api/v1/specifications", func(r chi.Router) {
		r.Use(auth.Middleware(v, nil))
		r.Group(func(r chi.Router) {
			r.Use(auth.RequireRole(auth.RoleAdmin, auth.RoleUser, auth.RoleService))
			r.Get("/", h.list)
			r.Get("/{spec_id}", h.get)
		})
		r.Group(func(r chi.Router) {
			r.Use(auth.RequireRole(auth.RoleAdmin, auth.RoleService))
			r.Post("/validate", h.validate)
		})
		r.Group(func(r chi.Router) {
			r.Use(auth.RequireRole(auth.RoleAdmin))
			r.Post("/", h.create)
			r.Put("/{spec_id}", h.replace)
			r.Delete("/{spec_id}", h.delete)
		})
	})
}

// fail writes err as the error envelope; the cause of a 503 is logged, not sent.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, app.ErrDirectoryUnavailable) {
		h.log.WarnContext(r.Context(), "characteristic lookup failed", "error", err.Error())
	}
	h.mapper.Write(w, r, apiError(err))
}

func toValidation(fields []domain.FieldError) *apierror.ValidationError {
	out := &apierror.ValidationError{}
	for _, f := range fields {
		out.Add(f.Field, f.Message)
	}
	return out
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	in, err := decodeSpecification(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := h.svc.Create(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/specifications/"+s.ID.String())
	w.Header().Set("ETag", httpparams.ETag(s.Version))
	apierror.WriteJSON(w, http.StatusCreated, toResponse(s))
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	p, err := parsePage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	specs, err := h.svc.List(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]specificationResponse, 0, len(specs))
	for _, s := range specs {
		out = append(out, toResponse(s))
	}
	apierror.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", httpparams.ETag(e.Version))
	apierror.WriteJSON(w, http.StatusOK, toExpanded(e))
}

func (h *Handler) replace(w http.ResponseWriter, r *http.Request) {
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
	in, err := decodeSpecification(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	s, err := h.svc.Replace(r.Context(), app.ReplaceCommand{ID: id, Input: in, ExpectedVersion: expected})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", httpparams.ETag(s.Version))
	apierror.WriteJSON(w, http.StatusOK, toResponse(s))
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

// validate answers 204 when every id in the body is a stored specification, else 422 naming
// the missing ones by position (body[i]).
func (h *Handler) validate(w http.ResponseWriter, r *http.Request) {
	ids, err := decodeIDs(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.svc.ValidateExisting(r.Context(), ids)
	var missing *domain.MissingSpecificationsError
	if errors.As(err, &missing) {
		gone := make(map[string]bool, len(missing.IDs))
		for _, id := range missing.IDs {
			gone[id] = true
		}
		verr := &apierror.ValidationError{}
		for i, id := range ids {
			if gone[id] {
				verr.Add(fmt.Sprintf("body[%d]", i), "specification "+id+" not found")
			}
		}
		h.fail(w, r, verr)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
