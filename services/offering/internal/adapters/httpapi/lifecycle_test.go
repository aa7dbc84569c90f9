package httpapi_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

func (e *env) publish(id string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v1/offerings/"+id+"/publish", admin, nil)
}

func TestPublish(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	t.Run("a complete draft answers 202 PUBLISHING with a saga id and starts the saga", func(t *testing.T) {
		o := e.create(e.complete("Go"))
		r := e.publish(o.ID)
		if r.Status != http.StatusAccepted {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodPost, "/api/v1/offerings/{offering_id}/publish", r)
		var got offeringRead
		r.json(t, &got)
		if got.LifecycleStatus != "PUBLISHING" || got.SagaID == nil || got.ID != o.ID {
			t.Fatalf("published %+v", got)
		}
		starts := e.saga.started()
		last := starts[len(starts)-1]
		if last.SagaID.String() != *got.SagaID || last.OfferingID.String() != o.ID ||
			last.PriceIDs[0].String() != o.PricingIDs[0] || last.SpecificationIDs[0].String() != o.SpecificationIDs[0] {
			t.Fatalf("saga started with %+v", last)
		}
		if ev := e.outboxEvents(o.ID); !slices.Equal(ev, []string{"OfferingCreated:1", "OfferingPublicationInitiated:2"}) {
			t.Fatalf("outbox %v", ev)
		}
		var key int64
		if err := e.pool.QueryRow(t.Context(), `SELECT process_instance_key FROM offerings WHERE id = $1`, o.ID).Scan(&key); err != nil || key == 0 {
			t.Fatalf("process instance key %d: %v", key, err)
		}
	})
	t.Run("unmet preconditions are 400 naming every problem", func(t *testing.T) {
		price := uuid.NewString()
		o := e.create(map[string]any{"name": "Empty", "pricing_ids": []string{price}})
		env := expectError(t, e.publish(o.ID), http.StatusBadRequest, "BUSINESS_RULE")
		for _, want := range []string{"specification is required", "sales channel is required", "price " + price + " does not exist"} {
			if !strings.Contains(env.Error.Message, want) {
				t.Fatalf("message %q lacks %q", env.Error.Message, want)
			}
		}
		if !slices.Equal(fields(env), []string{"specification_ids", "sales_channels", "pricing_ids[0]"}) {
			t.Fatalf("details name %v", fields(env))
		}
		if got := e.get(o.ID); got.LifecycleStatus != "DRAFT" || got.Version != 1 {
			t.Fatalf("refused publish changed %+v", got)
		}
	})
	t.Run("a deleted specification blocks publication", func(t *testing.T) {
		body := e.complete("Spec gone")
		spec := body["specification_ids"].([]string)[0]
		if err := e.svc.ApplyReplica(t.Context(), app.ReplicaChange{EventID: uuid.NewString(), Kind: app.ReplicaSpecifications,
			ID: uuid.MustParse(spec), Version: 2, Deleted: true}); err != nil {
			t.Fatal(err)
		}
		o := e.create(body)
		env := expectError(t, e.publish(o.ID), http.StatusBadRequest, "BUSINESS_RULE")
		if !strings.Contains(env.Error.Message, "specification "+spec+" does not exist") {
			t.Fatalf("message %q", env.Error.Message)
		}
	})
	t.Run("publishing twice is 400 and starts no second saga", func(t *testing.T) {
		o := e.create(e.complete("Twice"))
		e.publish(o.ID)
		n := len(e.saga.started())
		expectError(t, e.publish(o.ID), http.StatusBadRequest, "BUSINESS_RULE")
		if len(e.saga.started()) != n {
			t.Fatal("a refused publish started a saga")
		}
	})
	t.Run("only ADMIN publishes", func(t *testing.T) {
		o := e.create(e.complete("Roles"))
		for _, role := range []string{user, service} {
			expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/publish", role, nil), http.StatusForbidden, "FORBIDDEN")
		}
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/publish", "", nil), http.StatusUnauthorized, "UNAUTHORIZED")
		expectError(t, e.publish(uuid.NewString()), http.StatusNotFound, "NOT_FOUND")
	})
}

func TestPublishCommitsPublishingBeforeStartingTheSaga(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	o := e.create(e.complete("Ordered"))
	var status string
	var events int
	e.saga.onStart = func(s app.PublicationStart) {
		// Read through the pool (another connection): only committed state is visible.
		_ = e.pool.QueryRow(t.Context(), `SELECT lifecycle_status FROM offerings WHERE id = $1`, s.OfferingID).Scan(&status)
		events = e.count(`SELECT count(*) FROM outbox WHERE entity_id = $1 AND event_type = 'OfferingPublicationInitiated'`, s.OfferingID.String())
	}
	r := e.publish(o.ID)
	if r.Status != http.StatusAccepted {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if status != "PUBLISHING" || events != 1 {
		t.Fatalf("at saga start the committed state was %q with %d initiated events, want PUBLISHING and 1", status, events)
	}
	var body struct {
		Message string `json:"message"`
	}
	r.json(t, &body)
	if body.Message == "" || r.Header.Get("ETag") != `W/"2"` {
		t.Fatalf("202 body %s etag %q", r.Body, r.Header.Get("ETag"))
	}
}

func TestPublishWithTheEngineDownRevertsToDraftAnd503(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.saga.fail(errors.New("connection refused"))
	o := e.create(e.complete("Down"))
	r := e.publish(o.ID)
	expectError(t, r, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	got := e.get(o.ID)
	if got.LifecycleStatus != "DRAFT" || got.FailureReason == nil || !strings.Contains(*got.FailureReason, "connection refused") || got.SagaID == nil {
		t.Fatalf("after a failed start: %+v", got)
	}
	if ev := e.outboxEvents(o.ID); !slices.Equal(ev, []string{"OfferingCreated:1", "OfferingPublicationInitiated:2", "OfferingPublicationFailed:3"}) {
		t.Fatalf("outbox %v", ev)
	}
	// Once the engine is back, the same draft publishes and the old failure is cleared.
	e.saga.fail(nil)
	var again offeringRead
	e.publish(o.ID).json(t, &again)
	if again.LifecycleStatus != "PUBLISHING" || again.FailureReason != nil || *again.SagaID == *got.SagaID {
		t.Fatalf("republish: %+v", again)
	}
}

func TestSagaCompatibilityRoutesAndRetire(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	publishing := func(name string) offeringRead {
		o := e.create(e.complete(name))
		var got offeringRead
		e.publish(o.ID).json(t, &got)
		return got
	}

	t.Run("confirm moves PUBLISHING to PUBLISHED and repeating it changes nothing", func(t *testing.T) {
		o := publishing("Confirm")
		for range 2 {
			r := e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/confirm", service, map[string]any{"saga_id": *o.SagaID})
			if r.Status != http.StatusOK {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			checkContract(t, http.MethodPost, "/api/v1/offerings/{offering_id}/confirm", r)
		}
		got := e.get(o.ID)
		if got.LifecycleStatus != "PUBLISHED" || got.PublishedAt == nil || got.Version != 3 {
			t.Fatalf("confirmed %+v", got)
		}
		if ev := e.outboxEvents(o.ID); ev[len(ev)-1] != "OfferingPublished:3" || len(ev) != 3 {
			t.Fatalf("outbox %v", ev)
		}
	})
	t.Run("a confirm from another saga is 409", func(t *testing.T) {
		o := publishing("Other saga")
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/confirm", service, map[string]any{"saga_id": uuid.NewString()}),
			http.StatusConflict, "CONFLICT")
	})
	t.Run("fail reverts to DRAFT with the reason", func(t *testing.T) {
		o := publishing("Fail")
		r := e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/fail", admin, map[string]any{"failure_reason": "price locked elsewhere"})
		if r.Status != http.StatusOK {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodPost, "/api/v1/offerings/{offering_id}/fail", r)
		got := e.get(o.ID)
		if got.LifecycleStatus != "DRAFT" || got.FailureReason == nil || *got.FailureReason != "price locked elsewhere" {
			t.Fatalf("failed %+v", got)
		}
	})
	t.Run("confirm and fail of a DRAFT without a saga are 400", func(t *testing.T) {
		o := e.create(map[string]any{"name": "Idle"})
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/confirm", service, nil), http.StatusBadRequest, "BUSINESS_RULE")
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/fail", service, nil), http.StatusBadRequest, "BUSINESS_RULE")
	})
	t.Run("USER may not use the saga routes", func(t *testing.T) {
		o := publishing("Roles")
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/confirm", user, nil), http.StatusForbidden, "FORBIDDEN")
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/fail", user, nil), http.StatusForbidden, "FORBIDDEN")
	})
	t.Run("a malformed saga id is 422", func(t *testing.T) {
		o := publishing("Bad saga")
		env := expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/confirm", service, map[string]any{"saga_id": "x"}),
			http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if !slices.Equal(fields(env), []string{"saga_id"}) {
			t.Fatalf("fields %v", fields(env))
		}
	})
	t.Run("retire moves PUBLISHED to RETIRED; other states are 400", func(t *testing.T) {
		o := publishing("Retire")
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/retire", admin, nil), http.StatusBadRequest, "BUSINESS_RULE")
		e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/confirm", service, nil)
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/retire", user, nil), http.StatusForbidden, "FORBIDDEN")
		r := e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/retire", admin, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkContract(t, http.MethodPost, "/api/v1/offerings/{offering_id}/retire", r)
		var got offeringRead
		r.json(t, &got)
		if got.LifecycleStatus != "RETIRED" || got.RetiredAt == nil {
			t.Fatalf("retired %+v", got)
		}
		ev := e.outboxEvents(o.ID)
		if ev[len(ev)-1] != "OfferingRetired:4" {
			t.Fatalf("outbox %v", ev)
		}
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+o.ID+"/retire", admin, nil), http.StatusBadRequest, "BUSINESS_RULE")
		expectError(t, e.do(http.MethodPost, "/api/v1/offerings/"+uuid.NewString()+"/retire", admin, nil), http.StatusNotFound, "NOT_FOUND")
	})
}
