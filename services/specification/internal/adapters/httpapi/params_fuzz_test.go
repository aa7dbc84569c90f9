package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// FuzzIfMatch feeds arbitrary If-Match headers to the version parser: no panic; "", "*" and
// blanks mean no expectation; an accepted version is positive; refusals are one validation
// error naming If-Match (a 422, never a 500). Every ETag the service sends — strong, weak or
// bare — reads back as its version.
func FuzzIfMatch(f *testing.F) {
	for _, s := range []string{`"3"`, `W/"3"`, `3`, `*`, ``, ` `, `"0"`, `"-1"`, `W/"x"`, `"3", "4"`,
		`"9223372036854775808"`, `""3""`, `W/`, `"+3"`, `"3`, "\t\"7\"\t"} {
		f.Add(s, int64(3))
	}
	f.Fuzz(func(t *testing.T, header string, version int64) {
		r := httptest.NewRequest(http.MethodPut, "/", nil)
		r.Header.Set("If-Match", header)
		v, err := ifMatch(r)
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
		}
		if version < 1 {
			return
		}
		for _, tag := range []string{etag(version), "W/" + etag(version), strconv.FormatInt(version, 10)} {
			r.Header.Set("If-Match", tag)
			if got, err := ifMatch(r); err != nil || got == nil || *got != version {
				t.Fatalf("ETag %s read back as %v, %v", tag, got, err)
			}
		}
	})
}
