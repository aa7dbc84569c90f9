package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// FuzzListQuery feeds arbitrary query strings to the offering list parser: no panic; an
// accepted query holds a known status (or none), skip >= 0 and limit 1..1000, read from the
// query or defaulted; refusals are one validation error naming only status, skip and limit.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"", "status=PUBLISHED&skip=20&limit=1000", "status=published", "status=DELETED",
		"skip=-1&limit=0", "limit=1001", "skip=a&limit=ten", "status=&skip=&limit=",
		"status=%zz", "status[$ne]=DRAFT", "status=DRAFT&status=BOGUS", "skip=99999999999999999999",
		"limit=+5", "status=DRAFT%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/offerings", nil)
		r.URL.RawQuery = query
		status, skip, limit, err := listQuery(r)
		if err != nil {
			var verr *apierror.ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) == 0 {
				t.Fatalf("%q: error %T %v is not a validation error", query, err, err)
			}
			seen := map[string]bool{}
			for _, fe := range verr.Fields {
				if (fe.Field != "status" && fe.Field != "skip" && fe.Field != "limit") || seen[fe.Field] {
					t.Fatalf("%q: unexpected details %+v", query, verr.Fields)
				}
				seen[fe.Field] = true
			}
			return
		}
		q, _ := url.ParseQuery(query)
		switch s := q.Get("status"); {
		case s == "" && status != nil:
			t.Fatalf("%q: status %s read from nothing", query, *status)
		case s != "" && (status == nil || string(*status) != s):
			t.Fatalf("%q: status %v, want %s", query, status, s)
		case status != nil:
			if _, err := domain.ParseStatus(string(*status)); err != nil {
				t.Fatalf("%q: accepted unknown status %s", query, *status)
			}
		}
		if skip < 0 || limit < 1 || limit > 1000 {
			t.Fatalf("%q: accepted skip=%d limit=%d outside the bounds", query, skip, limit)
		}
		if s := q.Get("skip"); (s == "" && skip != 0) || (s != "" && !sameNumber(s, skip)) {
			t.Fatalf("%q: skip %d", query, skip)
		}
		if s := q.Get("limit"); (s == "" && limit != 100) || (s != "" && !sameNumber(s, limit)) {
			t.Fatalf("%q: limit %d", query, limit)
		}
	})
}

// sameNumber reports whether s reads as n.
func sameNumber(s string, n int) bool {
	m, err := strconv.Atoi(s)
	return err == nil && m == n
}
