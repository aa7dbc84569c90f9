package httpapi

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

// publishResponse is the offering in PUBLISHING (OfferingRead with saga_id) plus a human-readable message.
type publishResponse struct {
	app.OfferingView
	Message string `json:"message"`
}

// publish starts the publication saga: 202 with the offering in PUBLISHING and its saga_id.
func (h *handlers) publish(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.Publish(r.Context(), id)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(o.Version))
	apierror.WriteJSON(w, http.StatusAccepted, publishResponse{OfferingView: app.View(o), Message: "publication saga started"})
}

func (h *handlers) retire(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.Retire(r.Context(), id)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	writeOffering(w, http.StatusOK, o)
}

// sagaBody is the optional body of the compatibility routes /confirm and /fail.
type sagaBody struct {
	SagaID        *string `json:"saga_id"`
	FailureReason *string `json:"failure_reason"`
}

func decodeSagaBody(r *http.Request) (uuid.NullUUID, string, error) {
	var b sagaBody
	if r.ContentLength != 0 {
		if err := apierror.DecodeJSON(r, &b); err != nil {
			return uuid.NullUUID{}, "", err
		}
	}
	var saga uuid.NullUUID
	if b.SagaID != nil {
		id, err := uuid.Parse(*b.SagaID)
		if err != nil || len(*b.SagaID) != 36 {
			return uuid.NullUUID{}, "", apierror.Invalid("saga_id", "must be a UUID")
		}
		saga = uuid.NullUUID{UUID: id, Valid: true}
	}
	reason := ""
	if b.FailureReason != nil {
		reason = *b.FailureReason
	}
	return saga, reason, nil
}

// confirm is the compatibility route of the confirm-publication step (PUBLISHING → PUBLISHED).
func (h *handlers) confirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	saga, _, err := decodeSagaBody(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.ConfirmPublication(r.Context(), id, saga)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	writeOffering(w, http.StatusOK, o)
}

// fail is the compatibility route of the revert-offering-to-draft step (PUBLISHING → DRAFT).
func (h *handlers) fail(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	saga, reason, err := decodeSagaBody(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.FailPublication(r.Context(), id, saga, reason)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	writeOffering(w, http.StatusOK, o)
}
