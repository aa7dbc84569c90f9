package httpapi

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// FuzzDecodePrice feeds arbitrary bodies to the price decoder: it must never panic, and whatever it accepts
// must obey every price rule.
func FuzzDecodePrice(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","value":1,"unit":"u","currency":"USD"}`,
		`{"name":"a","value":"1.50","unit":"u","currency":"EUR"}`,
		`{"name":"a","value":1e2,"unit":"u","currency":"TRY"}`,
		`{"name":"a","value":"1.234","unit":"u","currency":"USD"}`,
		`{"name":"a","value":null}`, `{"value":[1]}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/api/v1/prices", bytes.NewReader(body))
		d, err := decodePrice(r)
		if err != nil {
			return
		}
		if _, err := domain.ParseAmount(d.Value.String()); err != nil {
			t.Fatalf("accepted value %q does not parse back: %v", d.Value, err)
		}
		if _, err := domain.ParseCurrency(string(d.Currency)); err != nil || d.Name == "" || d.Unit == "" {
			t.Fatalf("accepted invalid details %+v", d)
		}
	})
}

// FuzzDecodeLock feeds arbitrary bodies to the PriceLock decoder.
func FuzzDecodeLock(f *testing.F) {
	for _, s := range []string{`{"saga_id":"9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d"}`, `{"saga_id":1}`, `{}`, `x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/lock", bytes.NewReader(body))
		var b lockBody
		if err := decodeJSONForFuzz(r, &b); err != nil {
			return
		}
		if saga, err := b.saga(true); err == nil && !saga.Valid {
			t.Fatal("accepted lock without a saga")
		}
	})
}
