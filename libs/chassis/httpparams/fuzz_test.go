package httpparams

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// FuzzUUID feeds arbitrary path values to the UUID parser: it must not panic, must accept
// only the canonical 36-character form (which then prints back as the value, case aside) and
// must refuse everything else with a validation error naming the parameter.
func FuzzUUID(f *testing.F) {
	for _, s := range []string{
		"7c9e6679-7425-40de-944b-e07fc1f90ae7", "7C9E6679-7425-40DE-944B-E07FC1F90AE7",
		"{7c9e6679-7425-40de-944b-e07fc1f90ae7}", "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7",
		"7c9e6679742540de944be07fc1f90ae7", "7c9e6679-7425-40de-944b-e07fc1f90aeg",
		"00000000-0000-0000-0000-000000000000", "' OR 1=1 --", `{"$ne":null}`, "", "🙂",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		id, err := UUID(withParam("spec_id", value), "spec_id")
		if err != nil {
			var verr *apierror.ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) != 1 || verr.Fields[0].Field != "spec_id" {
				t.Fatalf("%q: error %T %v is not a validation error naming spec_id", value, err, err)
			}
			return
		}
		if len(value) != 36 || !strings.EqualFold(id.String(), value) {
			t.Fatalf("%q accepted as %s: not the canonical form", value, id)
		}
	})
}

// FuzzPage feeds arbitrary query strings to the paging parser: no panic; accepted values
// respect the bounds and are the ones the query holds (or the defaults); refusals are one
// validation error naming only skip and limit, each at most once.
func FuzzPage(f *testing.F) {
	for _, s := range []string{
		"", "skip=20&limit=1000", "skip=-1&limit=0", "limit=1001", "skip=a&limit=ten",
		"skip=99999999999999999999", "limit=+5", "limit=0x10", "skip=1&skip=-1", "limit=%zz",
		"skip=%201", "limit=1_000", "skip=&limit=", "limit=٣",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.RawQuery = query
		skip, limit, err := Page(r)
		if err != nil {
			var verr *apierror.ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) == 0 || len(verr.Fields) > 2 {
				t.Fatalf("%q: error %T %v is not a validation error", query, err, err)
			}
			seen := map[string]bool{}
			for _, fe := range verr.Fields {
				if (fe.Field != "skip" && fe.Field != "limit") || seen[fe.Field] {
					t.Fatalf("%q: unexpected detail %+v", query, verr.Fields)
				}
				seen[fe.Field] = true
			}
			return
		}
		if skip < 0 || limit < 1 || limit > MaxLimit {
			t.Fatalf("%q: accepted skip=%d limit=%d outside the bounds", query, skip, limit)
		}
		q, _ := url.ParseQuery(query)
		if want := want(q.Get("skip"), 0); skip != want {
			t.Fatalf("%q: skip = %d, want %d", query, skip, want)
		}
		if want := want(q.Get("limit"), DefaultLimit); limit != want {
			t.Fatalf("%q: limit = %d, want %d", query, limit, want)
		}
		// Round trip: the accepted page, written back as a query, reads the same.
		r.URL.RawQuery = "skip=" + strconv.Itoa(skip) + "&limit=" + strconv.Itoa(limit)
		if s2, l2, err := Page(r); err != nil || s2 != skip || l2 != limit {
			t.Fatalf("%q: round trip gave %d, %d, %v", query, s2, l2, err)
		}
	})
}

// want is the value an accepted parameter must have: its number, or def when absent.
func want(s string, def int) int {
	if s == "" {
		return def
	}
	n, _ := strconv.Atoi(s)
	return n
}

// FuzzIfMatch feeds arbitrary If-Match headers to the version parser: no panic; "", "*" and
// blanks mean no expectation; an accepted version is positive; refusals are one validation
// error naming If-Match (a 422, never a 500). Every ETag the service sends — strong, weak or
// bare — reads back as its version.
func FuzzIfMatch(f *testing.F) {
	for _, s := range []string{`"3"`, `W/"3"`, `3`, `*`, ``, ` `, `"0"`, `"-1"`, `W/"x"`, `"3", "4"`,
		`"9223372036854775808"`, `""3""`, `W/`, `"+3"`, `"3`, `3"`, `W/3`, "\t\"7\"\t"} {
		f.Add(s, int64(3))
	}
	f.Fuzz(func(t *testing.T, header string, version int64) {
		r := httptest.NewRequest(http.MethodPut, "/", nil)
		r.Header.Set("If-Match", header)
		v, err := IfMatch(r)
		trimmed := strings.TrimSpace(r.Header.Get("If-Match"))
		switch {
		case err != nil:
			var verr *apierror.ValidationError
			if !errors.As(err, &verr) || len(verr.Fields) != 1 || verr.Fields[0].Field != "If-Match" {
				t.Fatalf("%q: error %T %v is not a validation error naming If-Match", header, err, err)
			}
		case v == nil && trimmed != "" && trimmed != "*":
			t.Fatalf("%q: no expectation read from a non-empty header", header)
		case v != nil && *v < 1:
			t.Fatalf("%q: accepted version %d", header, *v)
		case v != nil && strings.Count(trimmed, `"`)%2 != 0:
			t.Fatalf("%q: accepted version %d from unbalanced quotes", header, *v)
		}
		if version < 1 {
			return
		}
		for _, tag := range []string{ETag(version), "W/" + ETag(version), strconv.FormatInt(version, 10)} {
			r.Header.Set("If-Match", tag)
			if got, err := IfMatch(r); err != nil || got == nil || *got != version {
				t.Fatalf("ETag %s read back as %v, %v", tag, got, err)
			}
		}
	})
}
