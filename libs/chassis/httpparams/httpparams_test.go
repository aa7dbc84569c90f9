package httpparams

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

func withParam(name, value string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	rc := chi.NewRouteContext()
	rc.URLParams.Add(name, value)
	return r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rc))
}

func TestUUIDAcceptsOnlyTheCanonicalForm(t *testing.T) {
	t.Parallel()
	for value, ok := range map[string]bool{
		"7c9e6679-7425-40de-944b-e07fc1f90ae7":          true,
		"{7c9e6679-7425-40de-944b-e07fc1f90ae7}":        false,
		"urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7": false,
		"7c9e66797425-40de-944b-e07fc1f90ae7":           false,
		"' OR 1=1 --":                                   false,
		"":                                              false,
	} {
		_, err := UUID(withParam("price_id", value), "price_id")
		if (err == nil) != ok {
			t.Errorf("%q: err = %v, want ok=%v", value, err, ok)
		}
		var verr *apierror.ValidationError
		if err != nil && (!errors.As(err, &verr) || verr.Fields[0].Field != "price_id") {
			t.Errorf("%q: error %v does not name price_id", value, err)
		}
	}
}

func TestPageDefaultsBoundsAndNamesEveryBadValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
		skip, limit int
		bad         []string
	}{
		{"no parameters gives the defaults", "", 0, DefaultLimit, nil},
		{"values inside the bounds are kept", "skip=20&limit=1000", 20, 1000, nil},
		{"a negative skip and a zero limit are both named", "skip=-1&limit=0", 0, 0, []string{"skip", "limit"}},
		{"a limit over the maximum is refused", "limit=1001", 0, 0, []string{"limit"}},
		{"non-numbers are refused", "skip=a&limit=ten", 0, 0, []string{"skip", "limit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			skip, limit, err := Page(httptest.NewRequest(http.MethodGet, "/?"+tc.query, nil))
			if len(tc.bad) == 0 {
				if err != nil || skip != tc.skip || limit != tc.limit {
					t.Fatalf("Page = %d, %d, %v; want %d, %d", skip, limit, err, tc.skip, tc.limit)
				}
				return
			}
			var verr *apierror.ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) != len(tc.bad) {
				t.Fatalf("Page error = %v, want fields %v", err, tc.bad)
			}
			for i, f := range tc.bad {
				if verr.Fields[i].Field != f {
					t.Fatalf("field %d = %s, want %s", i, verr.Fields[i].Field, f)
				}
			}
		})
	}
}
