package httpapi_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/tmfcatalog/platform/libs/apicontract"
)

var (
	contractOnce sync.Once
	pricing      *apicontract.Contract
)

// contract validates a success body against the reference pricing schema; route names the operation,
// the concrete path is rebuilt with a sample id.
func contract(t *testing.T, method, route string, r response) {
	t.Helper()
	contractOnce.Do(func() { pricing = apicontract.Load(t, "pricing") })
	path := strings.ReplaceAll(route, "{price_id}", "00000000-0000-4000-8000-000000000000")
	pricing.Check(t, method, path, r.Status, r.Body)
}
