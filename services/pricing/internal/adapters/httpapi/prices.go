package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/httpparams"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

type handlers struct {
	svc  *app.Service
	errs errorWriter
}

// priceBody is PriceCreate / PriceUpdate; value stays raw because it may be a JSON number or a decimal string.
type priceBody struct {
	Name     *string         `json:"name"`
	Value    json.RawMessage `json:"value"`
	Unit     *string         `json:"unit"`
	Currency *string         `json:"currency"`
}

// decodePrice reads and validates a price body into domain details.
func decodePrice(r *http.Request) (domain.Details, error) {
	var b priceBody
	if err := apierror.DecodeJSON(r, &b); err != nil {
		return domain.Details{}, err
	}
	return b.details()
}

func (b priceBody) details() (domain.Details, error) {
	raw := domain.RawDetails{Present: map[string]bool{}}
	if b.Name != nil {
		raw.Name, raw.Present["name"] = *b.Name, true
	}
	if b.Unit != nil {
		raw.Unit, raw.Present["unit"] = *b.Unit, true
	}
	if b.Currency != nil {
		raw.Currency, raw.Present["currency"] = *b.Currency, true
	}
	v := bytes.TrimSpace(b.Value)
	switch {
	case len(v) == 0 || string(v) == "null":
	case v[0] == '"':
		if err := json.Unmarshal(v, &raw.Value); err != nil {
			return domain.Details{}, apierror.Invalid("value", "must be a number or a decimal string")
		}
		raw.Present["value"] = true
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		raw.Value, raw.ValueIsNumber, raw.Present["value"] = string(v), true, true
	default:
		return domain.Details{}, apierror.Invalid("value", "must be a number or a decimal string")
	}
	return domain.ParseDetails(raw)
}

func pathID(r *http.Request) (uuid.UUID, error) { return httpparams.UUID(r, "price_id") }

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	skip, limit, err := httpparams.Page(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	ps, err := h.svc.List(r.Context(), skip, limit)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	out := make([]app.PriceView, len(ps))
	for i, p := range ps {
		out[i] = app.View(p)
	}
	apierror.WriteJSON(w, http.StatusOK, out)
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	d, err := decodePrice(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	p, err := h.svc.Create(r.Context(), d)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/prices/"+p.ID.String())
	apierror.WriteJSON(w, http.StatusCreated, app.View(p))
}

func (h *handlers) get(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	p, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, app.View(p))
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	d, err := decodePrice(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	p, err := h.svc.Update(r.Context(), id, d)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, app.View(p))
}

func (h *handlers) delete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	if err := h.svc.Delete(r.Context(), id); err != nil {
		h.errs.Write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// lockBody is the reference PriceLock.
type lockBody struct {
	SagaID *string `json:"saga_id"`
}

func (b lockBody) saga(required bool) (uuid.NullUUID, error) {
	if b.SagaID == nil {
		if required {
			return uuid.NullUUID{}, apierror.Invalid("saga_id", "field required")
		}
		return uuid.NullUUID{}, nil
	}
	id, err := uuid.Parse(*b.SagaID)
	if err != nil || len(*b.SagaID) != 36 {
		return uuid.NullUUID{}, apierror.Invalid("saga_id", "must be a UUID")
	}
	return uuid.NullUUID{UUID: id, Valid: true}, nil
}

func (h *handlers) lock(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	var b lockBody
	if err := apierror.DecodeJSON(r, &b); err != nil {
		h.errs.Write(w, r, err)
		return
	}
	saga, err := b.saga(true)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	ps, err := h.svc.LockPrices(r.Context(), app.LockCommand{SagaID: saga.UUID, PriceIDs: []uuid.UUID{id}})
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, app.View(ps[0]))
}

// unlock releases the hold of the saga named in the optional PriceLock body, or every hold without a body.
func (h *handlers) unlock(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	var b lockBody
	if r.ContentLength != 0 {
		if err := apierror.DecodeJSON(r, &b); err != nil {
			h.errs.Write(w, r, err)
			return
		}
	}
	saga, err := b.saga(false)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	p, err := h.svc.Unlock(r.Context(), id, saga)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, app.View(p))
}
