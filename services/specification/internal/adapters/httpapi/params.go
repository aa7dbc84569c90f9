package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/httpparams"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
)

// pathID parses the {spec_id} path parameter.
func pathID(r *http.Request) (uuid.UUID, error) { return httpparams.UUID(r, "spec_id") }

// parsePage reads skip and limit with the platform's paging bounds.
func parsePage(r *http.Request) (app.Page, error) {
	skip, limit, err := httpparams.Page(r)
	if err != nil {
		return app.Page{}, err
	}
	return app.Page{Skip: skip, Limit: limit}, nil
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
