package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tmfcatalog/platform/libs/apicontract"
)

var (
	contractOnce sync.Once
	offering     *apicontract.Contract
)

// contract validates a success body against the reference offering schema. The reference documents publish
// with 200; we answer 202 (the saga runs on) with the same OfferingRead body, so that body is checked as the 200.
func contract(t *testing.T, method, route string, r response) {
	t.Helper()
	contractOnce.Do(func() { offering = apicontract.Load(t, "offering") })
	path := strings.ReplaceAll(route, "{offering_id}", "00000000-0000-4000-8000-000000000000")
	status := r.Status
	if status == http.StatusAccepted && strings.HasSuffix(route, "/publish") {
		status = http.StatusOK
	}
	offering.Check(t, method, path, status, r.Body)
}
