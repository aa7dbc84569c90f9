package reliability

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestStoreQueryRestartsOnItsExistingStore kills the read side and starts it again on the
// same MongoDB (FerretDB) database: a crash or a second `make dev` must find the store as it
// left it. It runs after the suites that need the store (file order).
func TestStoreQueryRestartsOnItsExistingStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run.Stack.Kill("store-query"); err != nil {
		t.Fatal(err)
	}
	if err := run.Stack.Restart(ctx, "store-query"); err != nil {
		t.Fatalf("store-query does not start again on its existing store: %v", err)
	}
	if _, err := direct("store-query", "").Expect(ctx, http.StatusOK, http.MethodGet, "/api/v1/store/offerings?limit=1", nil, nil); err != nil {
		t.Fatal(err)
	}
}
