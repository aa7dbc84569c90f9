package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func (e *env) lock(id, saga string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v1/prices/"+id+"/lock", service, map[string]any{"saga_id": saga})
}

func TestLockAndUnlockRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	t.Run("a lock shows locked_by_saga_id and repeating it records one event", func(t *testing.T) {
		p := e.create("L1", 1)
		saga := uuid.NewString()
		for range 2 {
			r := e.lock(p.ID, saga)
			if r.Status != http.StatusOK {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			checkContract(t, http.MethodPost, "/api/v1/prices/{price_id}/lock", r)
			var got priceRead
			r.json(t, &got)
			if !got.Locked || got.LockedBySagaID == nil || *got.LockedBySagaID != saga || got.Version != 2 {
				t.Fatalf("locked price %+v", got)
			}
		}
		if ev := e.outboxEvents(p.ID); !slices.Equal(ev, []string{"PriceCreated:1", "PriceLocked:2"}) {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("a held price answers 423 to PUT and DELETE", func(t *testing.T) {
		p := e.create("L2", 1)
		e.lock(p.ID, uuid.NewString())
		expectError(t, e.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, body("L2", 5)), http.StatusLocked, "LOCKED")
		expectError(t, e.do(http.MethodDelete, "/api/v1/prices/"+p.ID, admin, nil), http.StatusLocked, "LOCKED")
	})
	t.Run("two sagas keep the price frozen until both unlock", func(t *testing.T) {
		p := e.create("L3", 1)
		a, b := uuid.NewString(), uuid.NewString()
		e.lock(p.ID, a)
		e.lock(p.ID, b)
		r := e.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/unlock", service, map[string]any{"saga_id": a})
		var got priceRead
		r.json(t, &got)
		if r.Status != http.StatusOK || !got.Locked || *got.LockedBySagaID != b {
			t.Fatalf("after the first unlock: %d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodPost, "/api/v1/prices/{price_id}/unlock", r)
		expectError(t, e.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, body("L3", 5)), http.StatusLocked, "LOCKED")
		e.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/unlock", service, map[string]any{"saga_id": b}).json(t, &got)
		if got.Locked || got.LockedBySagaID != nil {
			t.Fatalf("after both unlocks: %+v", got)
		}
		if r := e.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, body("L3", 5)); r.Status != http.StatusOK {
			t.Fatalf("update after release: %d %s", r.Status, r.Body)
		}
	})
	t.Run("an unlock without a body releases every hold and repeating it is harmless", func(t *testing.T) {
		p := e.create("L4", 1)
		e.lock(p.ID, uuid.NewString())
		e.lock(p.ID, uuid.NewString())
		for range 2 {
			r := e.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/unlock", admin, nil)
			var got priceRead
			r.json(t, &got)
			if r.Status != http.StatusOK || got.Locked {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		}
		if ev := e.outboxEvents(p.ID); !slices.Equal(ev, []string{"PriceCreated:1", "PriceLocked:2", "PriceLocked:3", "PriceUnlocked:4"}) {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("USER may neither lock nor unlock", func(t *testing.T) {
		p := e.create("L5", 1)
		expectError(t, e.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/lock", user, map[string]any{"saga_id": uuid.NewString()}),
			http.StatusForbidden, "FORBIDDEN")
		expectError(t, e.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/unlock", user, nil), http.StatusForbidden, "FORBIDDEN")
	})
	t.Run("locking an unknown price is 404", func(t *testing.T) {
		expectError(t, e.lock(uuid.NewString(), uuid.NewString()), http.StatusNotFound, "NOT_FOUND")
		expectError(t, e.do(http.MethodPost, "/api/v1/prices/"+uuid.NewString()+"/unlock", admin, nil), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("a lock without a valid saga_id is 422 naming saga_id", func(t *testing.T) {
		p := e.create("L6", 1)
		for _, b := range []any{map[string]any{}, map[string]any{"saga_id": "x"}} {
			env := expectError(t, e.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/lock", service, b), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if !slices.Equal(fields(env), []string{"saga_id"}) {
				t.Fatalf("fields %v", fields(env))
			}
		}
	})
	t.Run("lock without a token is 401", func(t *testing.T) {
		expectError(t, e.do(http.MethodPost, "/api/v1/prices/"+uuid.NewString()+"/lock", "", map[string]any{"saga_id": uuid.NewString()}),
			http.StatusUnauthorized, "UNAUTHORIZED")
	})
}

func TestDocsAndOpenAPIArePublic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.do(http.MethodGet, "/openapi.json", "", nil)
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	if r.Status != http.StatusOK || doc.Paths["/api/v1/prices/{price_id}/lock"] == nil {
		t.Fatalf("openapi: %d", r.Status)
	}
	d := e.do(http.MethodGet, "/docs", "", nil)
	if d.Status != http.StatusOK || !slices.Contains(d.Header.Values("Content-Type"), "text/html; charset=utf-8") ||
		!contains(d.Body, "/api/v1/prices/{price_id}/unlock") || contains(d.Body, "<script src=") {
		t.Fatalf("docs: %d %s", d.Status, d.Header)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
