package apicontract

import (
	"net/http"
	"testing"
)

const goodPrice = `{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","name":"Monthly","value":"19.99","unit":"month",
"currency":"EUR","locked":false,"locked_by_saga_id":null,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`

func TestValidateAcceptsAReadBodyAndRefusesBrokenOnes(t *testing.T) {
	t.Parallel()
	c := Load(t, "pricing")
	tests := []struct {
		name   string
		method string
		path   string
		status int
		body   string
		ok     bool
	}{
		{"a well-formed price with a null saga id passes", http.MethodGet, "/api/v1/prices/7c9e6679-7425-40de-944b-e07fc1f90ae7", 200, goodPrice, true},
		{"a list of prices passes", http.MethodGet, "/api/v1/prices?skip=0", 200, "[" + goodPrice + "]", true},
		{"a float value fails: the contract wants a decimal string", http.MethodGet, "/api/v1/prices/x", 200,
			`{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","name":"M","value":19.99,"unit":"m","currency":"EUR","locked":false,"locked_by_saga_id":null,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`, false},
		{"a missing required field fails", http.MethodGet, "/api/v1/prices/x", 200, `{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}`, false},
		{"an unknown currency fails", http.MethodPost, "/api/v1/prices", 201,
			`{"id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","name":"M","value":"1","unit":"m","currency":"GBP","locked":false,"locked_by_saga_id":null,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`, false},
		{"an undocumented route fails", http.MethodGet, "/api/v1/nothing", 200, `{}`, false},
		{"an undocumented status fails", http.MethodGet, "/api/v1/prices/x", 418, `{}`, false},
		{"a 204 without body passes", http.MethodDelete, "/api/v1/prices/x", 204, ``, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := c.Validate(tc.method, tc.path, tc.status, []byte(tc.body))
			if (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestEveryReferenceDocumentLoads(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"characteristic", "specification", "pricing", "offering", "store", "identity", "gateway"} {
		if c := Load(t, s); len(c.routes) == 0 {
			t.Fatalf("%s has no routes", s)
		}
	}
}
