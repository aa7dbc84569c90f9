package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
)

// Paging bounds from the API contract.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// pathID parses the {spec_id} path parameter.
func pathID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(chi.URLParam(r, "spec_id"))
	if err != nil {
		return uuid.Nil, apierror.Invalid("spec_id", "must be a UUID")
	}
	return id, nil
}

// parsePage reads skip (>= 0, default 0) and limit (1..1000, default 100).
func parsePage(r *http.Request) (app.Page, error) {
	p := app.Page{Skip: 0, Limit: defaultLimit}
	verr := &apierror.ValidationError{}
	q := r.URL.Query()
	if s := q.Get("skip"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			verr.Add("skip", "must be an integer >= 0")
		}
		p.Skip = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			verr.Add("limit", "must be an integer between 1 and 1000")
		}
		p.Limit = n
	}
	if err := verr.OrNil(); err != nil {
		return app.Page{}, err
	}
	return p, nil
}

// ifMatch reads an optional If-Match header holding a version ("3", "\"3\"" or W/"3"); "*" or
// no header means no expectation.
func ifMatch(r *http.Request) (*int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v < 1 {
		return nil, apierror.Invalid("If-Match", "must be a version number such as \"3\"")
	}
	return &v, nil
}

// etag formats a version as a strong entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }
