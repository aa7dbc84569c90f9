package httpapi

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// FuzzDecodeContent feeds arbitrary bodies to the offering decoder: no panic, and accepted content obeys the rules.
func FuzzDecodeContent(f *testing.F) {
	for _, s := range []string{
		`{"name":"Fiber"}`,
		`{"name":"Fiber","description":null,"specification_ids":["9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d"],"pricing_ids":[],"sales_channels":["web"]}`,
		`{"name":""}`, `{"pricing_ids":["x"]}`, `{"name":"a","sales_channels":[1]}`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := decodeContent(httptest.NewRequest("POST", "/api/v1/offerings", bytes.NewReader(body)))
		if err != nil {
			return
		}
		if c.Name == "" || c.SalesChannels == nil {
			t.Fatalf("accepted invalid content %+v", c)
		}
		for _, ch := range c.SalesChannels {
			if ch == "" {
				t.Fatalf("accepted an empty channel in %+v", c)
			}
		}
	})
}

// FuzzDecodeSagaBody feeds arbitrary bodies to the /confirm and /fail decoder.
func FuzzDecodeSagaBody(f *testing.F) {
	for _, s := range []string{`{"saga_id":"9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d","failure_reason":"x"}`, `{}`, `{"saga_id":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/fail", bytes.NewReader(body))
		saga, _, err := decodeSagaBody(r)
		if err == nil && saga.Valid && saga.UUID.String() == "" {
			t.Fatal("accepted an empty saga id")
		}
	})
}

// FuzzIfMatch checks the If-Match parser never panics, yields only positive versions from
// balanced tags, and refuses the rest as a version mismatch (412, as a tag naming no version
// can never match).
func FuzzIfMatch(f *testing.F) {
	for _, s := range []string{`W/"3"`, `"3"`, `*`, ``, `W/"x"`, `"-1"`, `"3`, `W/3`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest("PUT", "/", nil)
		r.Header.Set("If-Match", h)
		v, err := ifMatch(r)
		switch {
		case err != nil && !errors.Is(err, domain.ErrVersionMismatch):
			t.Fatalf("%q: error %v is not a version mismatch", h, err)
		case v != nil && *v < 1:
			t.Fatalf("%q: accepted version %d", h, *v)
		case v != nil && strings.Count(h, `"`)%2 != 0:
			t.Fatalf("%q: accepted version %d from unbalanced quotes", h, *v)
		case v != nil && etag(*v) == "":
			t.Fatal("empty etag")
		}
	})
}
