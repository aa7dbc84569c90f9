package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

type offeringRead struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Description      *string  `json:"description"`
	SpecificationIDs []string `json:"specification_ids"`
	PricingIDs       []string `json:"pricing_ids"`
	SalesChannels    []string `json:"sales_channels"`
	LifecycleStatus  string   `json:"lifecycle_status"`
	Version          int64    `json:"version"`
	SagaID           *string  `json:"saga_id"`
	FailureReason    *string  `json:"failure_reason"`
	PublishedAt      *string  `json:"published_at"`
	RetiredAt        *string  `json:"retired_at"`
}

func (e *env) create(body map[string]any) offeringRead {
	e.t.Helper()
	r := e.do(http.MethodPost, "/api/v1/offerings", user, body)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	checkContract(e.t, http.MethodPost, "/api/v1/offerings", r)
	var o offeringRead
	r.json(e.t, &o)
	return o
}

func (e *env) get(id string) offeringRead {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/v1/offerings/"+id, user, nil)
	if r.Status != http.StatusOK {
		e.t.Fatalf("get: %d %s", r.Status, r.Body)
	}
	var o offeringRead
	r.json(e.t, &o)
	return o
}

// known makes ids known to the local replicas, as the consumers would.
func (e *env) known(kind app.ReplicaKind, ids ...string) {
	e.t.Helper()
	for _, id := range ids {
		err := e.svc.ApplyReplica(context.Background(), app.ReplicaChange{EventID: uuid.NewString(), Kind: kind,
			ID: uuid.MustParse(id), Version: 1})
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// complete returns a publishable body whose price and specification are known.
func (e *env) complete(name string) map[string]any {
	spec, price := uuid.NewString(), uuid.NewString()
	e.known(app.ReplicaSpecifications, spec)
	e.known(app.ReplicaPrices, price)
	return map[string]any{"name": name, "description": "fiber", "specification_ids": []string{spec},
		"pricing_ids": []string{price}, "sales_channels": []string{"online"}}
}

func TestCreateOffering(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	t.Run("a name alone creates a DRAFT with an ETag and OfferingCreated", func(t *testing.T) {
		r := e.do(http.MethodPost, "/api/v1/offerings", admin, map[string]any{"name": "Fiber"})
		if r.Status != http.StatusCreated || r.Header.Get("ETag") != `W/"1"` {
			t.Fatalf("%d etag %q %s", r.Status, r.Header.Get("ETag"), r.Body)
		}
		checkContract(t, http.MethodPost, "/api/v1/offerings", r)
		var o offeringRead
		r.json(t, &o)
		if o.LifecycleStatus != "DRAFT" || o.Version != 1 || o.SagaID != nil || len(o.PricingIDs) != 0 || o.SalesChannels == nil {
			t.Fatalf("created %+v", o)
		}
		if ev := e.outboxEvents(o.ID); !slices.Equal(ev, []string{"OfferingCreated:1"}) {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("USER may create drafts, SERVICE may not", func(t *testing.T) {
		e.create(map[string]any{"name": "By user"})
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings", service, map[string]any{"name": "x"}), http.StatusForbidden, "FORBIDDEN")
	})
	t.Run("without a token the answer is 401", func(t *testing.T) {
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings", "", map[string]any{"name": "x"}), http.StatusUnauthorized, "UNAUTHORIZED")
	})
	t.Run("a body over the limit is 413", func(t *testing.T) {
		big := `{"name":"` + strings.Repeat("a", 2<<20) + `"}`
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings", admin, big), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	})
	invalid := []struct {
		name   string
		body   any
		fields []string
	}{
		{"a missing name is named", map[string]any{"description": "x"}, []string{"name"}},
		{"a bad price id is named with its index", map[string]any{"name": "x", "pricing_ids": []string{uuid.NewString(), "1"}}, []string{"pricing_ids[1]"}},
		{"a wrongly typed list is named", map[string]any{"name": "x", "sales_channels": "web"}, []string{"sales_channels"}},
		{"an unknown field is named", map[string]any{"name": "x", "lifecycle_status": "PUBLISHED"}, []string{"lifecycle_status"}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			env := expectError(t, e.do(http.MethodPost, "/api/v1/offerings", admin, tt.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if !slices.Equal(fields(env), tt.fields) {
				t.Fatalf("fields %v, want %v", fields(env), tt.fields)
			}
		})
	}
}

func TestReadOfferings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	draft := e.create(map[string]any{"name": "Draft"})
	pub := e.create(e.complete("Publishing"))
	if r := e.do(http.MethodPost, "/api/v1/offerings/"+pub.ID+"/publish", admin, nil); r.Status != http.StatusAccepted {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}

	t.Run("every role reads an offering with its ETag", func(t *testing.T) {
		for _, role := range []string{admin, user, service} {
			r := e.do(http.MethodGet, "/api/v1/offerings/"+draft.ID, role, nil)
			if r.Status != http.StatusOK || r.Header.Get("ETag") != `W/"1"` {
				t.Fatalf("%s: %d %q", role, r.Status, r.Header.Get("ETag"))
			}
			checkContract(t, http.MethodGet, "/api/v1/offerings/{offering_id}", r)
		}
	})
	t.Run("an unknown id is 404 and a malformed one 422", func(t *testing.T) {
		expectError(t, e.do(http.MethodGet, "/api/v1/offerings/"+uuid.NewString(), user, nil), http.StatusNotFound, "NOT_FOUND")
		env := expectError(t, e.do(http.MethodGet, "/api/v1/offerings/x", user, nil), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if !slices.Equal(fields(env), []string{"offering_id"}) {
			t.Fatalf("fields %v", fields(env))
		}
	})
	t.Run("the status filter returns only that status", func(t *testing.T) {
		for status, want := range map[string]string{"DRAFT": draft.ID, "PUBLISHING": pub.ID} {
			r := e.do(http.MethodGet, "/api/v1/offerings?status="+status, user, nil)
			checkContract(t, http.MethodGet, "/api/v1/offerings", r)
			var list []offeringRead
			r.json(t, &list)
			if len(list) != 1 || list[0].ID != want {
				t.Fatalf("status %s: %+v", status, list)
			}
		}
	})
	t.Run("paging skips and limits in creation order", func(t *testing.T) {
		var list []offeringRead
		e.do(http.MethodGet, "/api/v1/offerings?skip=1&limit=5", user, nil).json(t, &list)
		if len(list) != 1 || list[0].ID != pub.ID {
			t.Fatalf("page %+v", list)
		}
	})
	t.Run("a bad filter or paging is 422 naming the parameters", func(t *testing.T) {
		env := expectError(t, e.do(http.MethodGet, "/api/v1/offerings?status=LIVE&limit=5000", user, nil),
			http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if !slices.Equal(fields(env), []string{"status", "limit"}) {
			t.Fatalf("fields %v", fields(env))
		}
	})
	t.Run("listing without a token is 401", func(t *testing.T) {
		expectError(t, e.do(http.MethodGet, "/api/v1/offerings", "", nil), http.StatusUnauthorized, "UNAUTHORIZED")
	})
}

func TestUpdateAndDeleteOffering(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	t.Run("an update with the current If-Match succeeds and bumps the ETag", func(t *testing.T) {
		o := e.create(map[string]any{"name": "V1"})
		e.headers = map[string]string{"If-Match": `W/"1"`}
		r := e.do(http.MethodPut, "/api/v1/offerings/"+o.ID, user, map[string]any{"name": "V2", "sales_channels": []string{"retail"}})
		e.headers = nil
		if r.Status != http.StatusOK || r.Header.Get("ETag") != `W/"2"` {
			t.Fatalf("%d %q %s", r.Status, r.Header.Get("ETag"), r.Body)
		}
		checkContract(t, http.MethodPut, "/api/v1/offerings/{offering_id}", r)
		if ev := e.outboxEvents(o.ID); !slices.Equal(ev, []string{"OfferingCreated:1", "OfferingUpdated:2"}) {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("a stale If-Match is 412 and changes nothing", func(t *testing.T) {
		o := e.create(map[string]any{"name": "Stale"})
		e.do(http.MethodPut, "/api/v1/offerings/"+o.ID, user, map[string]any{"name": "Fresh"})
		for _, tag := range []string{`W/"1"`, `"1"`, `garbage`} {
			e.headers = map[string]string{"If-Match": tag}
			expectError(t, e.do(http.MethodPut, "/api/v1/offerings/"+o.ID, user, map[string]any{"name": "Lost"}),
				http.StatusPreconditionFailed, "PRECONDITION_FAILED")
			expectError(t, e.do(http.MethodDelete, "/api/v1/offerings/"+o.ID, user, nil), http.StatusPreconditionFailed, "PRECONDITION_FAILED")
		}
		e.headers = nil
		if got := e.get(o.ID); got.Name != "Fresh" || got.Version != 2 {
			t.Fatalf("after stale writes: %+v", got)
		}
	})
	t.Run("an unknown offering is 404 for update and delete", func(t *testing.T) {
		expectError(t, e.do(http.MethodPut, "/api/v1/offerings/"+uuid.NewString(), user, map[string]any{"name": "x"}), http.StatusNotFound, "NOT_FOUND")
		expectError(t, e.do(http.MethodDelete, "/api/v1/offerings/"+uuid.NewString(), user, nil), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("an offering outside DRAFT can be neither updated nor deleted", func(t *testing.T) {
		o := e.create(e.complete("Busy"))
		e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/publish", admin, nil)
		expectError(t, e.do(http.MethodPut, "/api/v1/offerings/"+o.ID, user, map[string]any{"name": "x"}), http.StatusBadRequest, "BUSINESS_RULE")
		expectError(t, e.do(http.MethodDelete, "/api/v1/offerings/"+o.ID, admin, nil), http.StatusBadRequest, "BUSINESS_RULE")
	})
	t.Run("a DRAFT is deleted with 204 and OfferingDeleted", func(t *testing.T) {
		o := e.create(map[string]any{"name": "Bye"})
		r := e.do(http.MethodDelete, "/api/v1/offerings/"+o.ID, user, nil)
		if r.Status != http.StatusNoContent {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodDelete, "/api/v1/offerings/{offering_id}", r)
		if ev := e.outboxEvents(o.ID); !slices.Equal(ev, []string{"OfferingCreated:1", "OfferingDeleted:2"}) {
			t.Fatalf("outbox %v", ev)
		}
		expectError(t, e.do(http.MethodGet, "/api/v1/offerings/"+o.ID, user, nil), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("SERVICE may not write drafts", func(t *testing.T) {
		o := e.create(map[string]any{"name": "Svc"})
		expectError(t, e.do(http.MethodPut, "/api/v1/offerings/"+o.ID, service, map[string]any{"name": "x"}), http.StatusForbidden, "FORBIDDEN")
		expectError(t, e.do(http.MethodDelete, "/api/v1/offerings/"+o.ID, service, nil), http.StatusForbidden, "FORBIDDEN")
	})
}

func TestForcedFailureAfterTheWriteLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(s app.Store) app.Store { return failAfterWrite{s} })
	expectError(t, e.do(http.MethodPost, "/api/v1/offerings", admin, map[string]any{"name": "Ghost"}), http.StatusInternalServerError, "INTERNAL_ERROR")
	if n := e.count(`SELECT count(*) FROM offerings`); n != 0 {
		t.Fatalf("%d offering rows after a failed create", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("%d outbox rows after a failed create", n)
	}
}
