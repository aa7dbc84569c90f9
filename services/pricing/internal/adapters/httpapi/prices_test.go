package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/pricing/internal/app"
)

type priceRead struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Value          string  `json:"value"`
	Unit           string  `json:"unit"`
	Currency       string  `json:"currency"`
	Locked         bool    `json:"locked"`
	LockedBySagaID *string `json:"locked_by_saga_id"`
	Version        int64   `json:"version"`
}

func body(name string, value any) map[string]any {
	return map[string]any{"name": name, "value": value, "unit": "per month", "currency": "USD"}
}

func (e *env) create(name string, value any) priceRead {
	e.t.Helper()
	r := e.do(http.MethodPost, "/api/v1/prices", admin, body(name, value))
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	checkContract(e.t, http.MethodPost, "/api/v1/prices", r)
	var p priceRead
	r.json(e.t, &p)
	return p
}

func TestCreatePrice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	t.Run("a JSON number is stored exactly and returned as a decimal string", func(t *testing.T) {
		p := e.create("Monthly fee", 19.99)
		if p.Value != "19.99" || p.Currency != "USD" || p.Locked || p.LockedBySagaID != nil || p.Version != 1 {
			t.Fatalf("unexpected price %+v", p)
		}
		if got := e.outboxEvents(p.ID); !slices.Equal(got, []string{"PriceCreated:1"}) {
			t.Fatalf("outbox %v, want the PriceCreated event of version 1", got)
		}
	})
	t.Run("a decimal string is accepted and padded to two places", func(t *testing.T) {
		if p := e.create("Setup fee", "7.5"); p.Value != "7.50" {
			t.Fatalf("value %q, want 7.50", p.Value)
		}
	})
	t.Run("a taken name is a 409 conflict", func(t *testing.T) {
		e.create("Unique fee", 1)
		expectError(t, e.do(http.MethodPost, "/api/v1/prices", admin, body("Unique fee", 2)), http.StatusConflict, "CONFLICT")
	})
	t.Run("without a token the answer is 401", func(t *testing.T) {
		r := e.do(http.MethodPost, "/api/v1/prices", "", body("x", 1))
		expectError(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
	})
	t.Run("a forged token is 401", func(t *testing.T) {
		expectError(t, e.doToken(http.MethodGet, "/api/v1/prices", "eyJhbGciOiJub25lIn0.e30.", nil), http.StatusUnauthorized, "UNAUTHORIZED")
	})
	t.Run("USER and SERVICE may not create prices", func(t *testing.T) {
		for _, role := range []string{user, service} {
			expectError(t, e.do(http.MethodPost, "/api/v1/prices", role, body("x", 1)), http.StatusForbidden, "FORBIDDEN")
		}
	})

	t.Run("a body over the limit is 413", func(t *testing.T) {
		big := `{"name":"` + strings.Repeat("a", 2<<20) + `","value":1,"unit":"u","currency":"USD"}`
		expectError(t, e.do(http.MethodPost, "/api/v1/prices", admin, big), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	})

	invalid := []struct {
		name   string
		body   any
		fields []string
	}{
		{"three decimals name value", body("a", "1.234"), []string{"value"}},
		{"a negative number names value", body("a", -5), []string{"value"}},
		{"zero names value", body("a", 0), []string{"value"}},
		{"non-numeric text names value", body("a", "ten"), []string{"value"}},
		{"a boolean value names value", body("a", true), []string{"value"}},
		{"an unknown currency names currency", map[string]any{"name": "a", "value": 1, "unit": "u", "currency": "GBP"}, []string{"currency"}},
		{"missing fields are all named", map[string]any{"name": "a"}, []string{"value", "unit", "currency"}},
		{"a wrongly typed name is named", map[string]any{"name": 5, "value": 1, "unit": "u", "currency": "USD"}, []string{"name"}},
		{"an unknown field is named", map[string]any{"name": "a", "value": 1, "unit": "u", "currency": "USD", "colour": "red"}, []string{"colour"}},
		{"malformed JSON names the body", "{", []string{"body"}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			env := expectError(t, e.do(http.MethodPost, "/api/v1/prices", admin, tt.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if got := fields(env); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestReadPrices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	a, b := e.create("A", 1), e.create("B", 2)

	t.Run("every role can get a price", func(t *testing.T) {
		for _, role := range []string{admin, user, service} {
			r := e.do(http.MethodGet, "/api/v1/prices/"+a.ID, role, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", role, r.Status, r.Body)
			}
			checkContract(t, http.MethodGet, "/api/v1/prices/{price_id}", r)
		}
	})
	t.Run("an unknown id is 404", func(t *testing.T) {
		expectError(t, e.do(http.MethodGet, "/api/v1/prices/"+uuid.NewString(), user, nil), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("a malformed id is 422 naming price_id", func(t *testing.T) {
		env := expectError(t, e.do(http.MethodGet, "/api/v1/prices/nope", user, nil), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if !slices.Equal(fields(env), []string{"price_id"}) {
			t.Fatalf("fields %v", fields(env))
		}
	})
	t.Run("the list pages in creation order", func(t *testing.T) {
		r := e.do(http.MethodGet, "/api/v1/prices?skip=1&limit=1", user, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodGet, "/api/v1/prices", r)
		var list []priceRead
		r.json(t, &list)
		if len(list) != 1 || list[0].ID != b.ID {
			t.Fatalf("page %+v, want only %s", list, b.ID)
		}
	})
	t.Run("bad paging names the parameters", func(t *testing.T) {
		env := expectError(t, e.do(http.MethodGet, "/api/v1/prices?skip=-1&limit=0", user, nil), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if !slices.Equal(fields(env), []string{"skip", "limit"}) {
			t.Fatalf("fields %v", fields(env))
		}
	})
	t.Run("reading without a token is 401", func(t *testing.T) {
		expectError(t, e.do(http.MethodGet, "/api/v1/prices/"+a.ID, "", nil), http.StatusUnauthorized, "UNAUTHORIZED")
	})
}

func TestUpdateAndDeletePrice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	t.Run("an update bumps the version and records PriceUpdated", func(t *testing.T) {
		p := e.create("Up", 1)
		r := e.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, map[string]any{"name": "Up2", "value": "2.25", "unit": "once", "currency": "EUR"})
		if r.Status != http.StatusOK {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodPut, "/api/v1/prices/{price_id}", r)
		var got priceRead
		r.json(t, &got)
		if got.Name != "Up2" || got.Value != "2.25" || got.Currency != "EUR" || got.Version != 2 {
			t.Fatalf("updated %+v", got)
		}
		if ev := e.outboxEvents(p.ID); !slices.Equal(ev, []string{"PriceCreated:1", "PriceUpdated:2"}) {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("renaming onto a taken name is 409", func(t *testing.T) {
		e.create("Taken", 1)
		p := e.create("Free", 1)
		expectError(t, e.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, body("Taken", 1)), http.StatusConflict, "CONFLICT")
	})
	t.Run("updating an unknown price is 404", func(t *testing.T) {
		expectError(t, e.do(http.MethodPut, "/api/v1/prices/"+uuid.NewString(), admin, body("x", 1)), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("an invalid update is 422 and changes nothing", func(t *testing.T) {
		p := e.create("Stay", 1)
		expectError(t, e.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, body("Stay", "0.001")), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if ev := e.outboxEvents(p.ID); len(ev) != 1 {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("USER may not update or delete", func(t *testing.T) {
		p := e.create("Mine", 1)
		expectError(t, e.do(http.MethodPut, "/api/v1/prices/"+p.ID, user, body("x", 1)), http.StatusForbidden, "FORBIDDEN")
		expectError(t, e.do(http.MethodDelete, "/api/v1/prices/"+p.ID, user, nil), http.StatusForbidden, "FORBIDDEN")
	})
	t.Run("a delete answers 204, records PriceDeleted with the next version, then 404", func(t *testing.T) {
		p := e.create("Gone", 1)
		r := e.do(http.MethodDelete, "/api/v1/prices/"+p.ID, admin, nil)
		if r.Status != http.StatusNoContent {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodDelete, "/api/v1/prices/{price_id}", r)
		if ev := e.outboxEvents(p.ID); !slices.Equal(ev, []string{"PriceCreated:1", "PriceDeleted:2"}) {
			t.Fatalf("outbox %v", ev)
		}
		expectError(t, e.do(http.MethodDelete, "/api/v1/prices/"+p.ID, admin, nil), http.StatusNotFound, "NOT_FOUND")
	})
}

func TestForcedFailureAfterTheWriteLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s app.Store) app.Store { return failAfterWrite{s} })
	r := e.do(http.MethodPost, "/api/v1/prices", admin, body("Ghost", 1))
	expectError(t, r, http.StatusInternalServerError, "INTERNAL_ERROR")
	if n := e.count(`SELECT count(*) FROM prices`); n != 0 {
		t.Fatalf("%d price rows after a failed create", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("%d outbox rows after a failed create", n)
	}
}

func TestForcedFailureOfUpdateAndLockKeepsTheOldState(t *testing.T) {
	t.Parallel()
	healthy := newEnv(t, nil)
	p := healthy.create("Solid", 1)
	failing := &env{t: t, pool: healthy.pool, issuer: healthy.issuer}
	failing.h = rebuild(t, healthy, failAfterWrite{storeOf(healthy)})

	expectError(t, failing.do(http.MethodPut, "/api/v1/prices/"+p.ID, admin, body("Changed", 2)), http.StatusInternalServerError, "INTERNAL_ERROR")
	expectError(t, failing.do(http.MethodPost, "/api/v1/prices/"+p.ID+"/lock", service, map[string]any{"saga_id": uuid.NewString()}),
		http.StatusInternalServerError, "INTERNAL_ERROR")
	var got priceRead
	healthy.do(http.MethodGet, "/api/v1/prices/"+p.ID, admin, nil).json(t, &got)
	if got.Name != "Solid" || got.Version != 1 || got.Locked {
		t.Fatalf("state changed by failed writes: %+v", got)
	}
	if n := healthy.count(`SELECT count(*) FROM price_holds`); n != 0 {
		t.Fatalf("%d holds after a failed lock", n)
	}
	if ev := healthy.outboxEvents(p.ID); len(ev) != 1 {
		t.Fatalf("outbox %v", ev)
	}
}
