package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/httpparams"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

type handlers struct {
	svc  *app.Service
	errs errorWriter
}

// contentBody is OfferingCreate / OfferingUpdate.
type contentBody struct {
	Name             *string  `json:"name"`
	Description      *string  `json:"description"`
	SpecificationIDs []string `json:"specification_ids"`
	PricingIDs       []string `json:"pricing_ids"`
	SalesChannels    []string `json:"sales_channels"`
}

func decodeContent(r *http.Request) (domain.Content, error) {
	var b contentBody
	if err := apierror.DecodeJSON(r, &b); err != nil {
		return domain.Content{}, err
	}
	return domain.ParseContent(domain.RawContent(b))
}

func pathID(r *http.Request) (uuid.UUID, error) { return httpparams.UUID(r, "offering_id") }

// etag is the weak validator of an offering version.
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch parses If-Match (W/"3", "3" or *); nil when absent or *. A value naming no version can never match.
func ifMatch(r *http.Request) (*int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	n, ok := httpparams.TagVersion(h)
	if !ok {
		return nil, domain.ErrVersionMismatch
	}
	return &n, nil
}

func writeOffering(w http.ResponseWriter, status int, o domain.Offering) {
	w.Header().Set("ETag", etag(o.Version))
	apierror.WriteJSON(w, status, app.View(o))
}

// listQuery parses status, skip (>= 0, default 0) and limit (1..1000, default 100).
func listQuery(r *http.Request) (status *domain.Status, skip, limit int, err error) {
	verr := &apierror.ValidationError{}
	q := r.URL.Query()
	limit = 100
	if s := q.Get("status"); s != "" {
		st, e := domain.ParseStatus(s)
		if e != nil {
			verr.Add("status", e.Error())
		}
		status = &st
	}
	if s := q.Get("skip"); s != "" {
		if n, e := strconv.Atoi(s); e != nil || n < 0 {
			verr.Add("skip", "must be an integer >= 0")
		} else {
			skip = n
		}
	}
	if s := q.Get("limit"); s != "" {
		if n, e := strconv.Atoi(s); e != nil || n < 1 || n > 1000 {
			verr.Add("limit", "must be an integer between 1 and 1000")
		} else {
			limit = n
		}
	}
	return status, skip, limit, verr.OrNil()
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	status, skip, limit, err := listQuery(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	os, err := h.svc.List(r.Context(), status, skip, limit)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	out := make([]app.OfferingView, len(os))
	for i, o := range os {
		out[i] = app.View(o)
	}
	apierror.WriteJSON(w, http.StatusOK, out)
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	c, err := decodeContent(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.Create(r.Context(), c)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/offerings/"+o.ID.String())
	writeOffering(w, http.StatusCreated, o)
}

func (h *handlers) get(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	writeOffering(w, http.StatusOK, o)
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	c, err := decodeContent(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	o, err := h.svc.Update(r.Context(), id, c, version)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	writeOffering(w, http.StatusOK, o)
}

func (h *handlers) delete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		h.errs.Write(w, r, err)
		return
	}
	if err := h.svc.Delete(r.Context(), id, version); err != nil {
		h.errs.Write(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
