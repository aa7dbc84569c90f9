// Package httpparams parses the path and query parameters every catalog API shares: resource
// ids and skip/limit paging, with the 422 details the API documents.
package httpparams

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// Paging bounds of every list route (the reference API's).
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// UUID parses the path parameter name as a UUID in its canonical 36-character form; anything
// else is a *apierror.ValidationError naming the parameter.
func UUID(r *http.Request, name string) (uuid.UUID, error) {
	s := chi.URLParam(r, name)
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, apierror.Invalid(name, "must be a UUID")
	}
	return id, nil
}

// Page reads skip (>= 0, default 0) and limit (1..MaxLimit, default DefaultLimit) from the
// query; every bad value is named in one *apierror.ValidationError.
func Page(r *http.Request) (skip, limit int, err error) {
	verr := &apierror.ValidationError{}
	skip, limit = 0, DefaultLimit
	q := r.URL.Query()
	if s := q.Get("skip"); s != "" {
		if n, e := strconv.Atoi(s); e != nil || n < 0 {
			verr.Add("skip", "must be an integer >= 0")
		} else {
			skip = n
		}
	}
	if s := q.Get("limit"); s != "" {
		if n, e := strconv.Atoi(s); e != nil || n < 1 || n > MaxLimit {
			verr.Add("limit", "must be an integer between 1 and "+strconv.Itoa(MaxLimit))
		} else {
			limit = n
		}
	}
	return skip, limit, verr.OrNil()
}

// IfMatch reads an optional If-Match header holding a version ("3", "\"3\"" or W/"3"); "*" or
// no header means no expectation. Anything else is a validation error naming If-Match.
func IfMatch(r *http.Request) (*int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	v, ok := TagVersion(h)
	if !ok {
		return nil, apierror.Invalid("If-Match", "must be a version number such as \"3\"")
	}
	return &v, nil
}

// TagVersion reads the positive version an entity tag names: bare (3), strong ("3") or weak
// (W/"3"). Unbalanced quotes ("3) are a typo the client should hear about, not a version.
func TagVersion(tag string) (int64, bool) {
	tag, weak := strings.CutPrefix(tag, "W/")
	quoted := len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"'
	if quoted {
		tag = tag[1 : len(tag)-1]
	}
	v, err := strconv.ParseInt(tag, 10, 64)
	if err != nil || v < 1 || (weak && !quoted) || strings.ContainsRune(tag, '"') {
		return 0, false
	}
	return v, true
}

// ETag formats a version as a strong entity tag, which IfMatch reads back.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }
