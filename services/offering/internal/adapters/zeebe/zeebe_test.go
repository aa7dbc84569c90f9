package zeebe_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

type okStarter struct{}

func (okStarter) StartPublication(context.Context, app.PublicationStart) (int64, error) {
	return 7, nil
}

// publishing returns a service and an offering in PUBLISHING with its saga id.
func publishing(t *testing.T, starter app.SagaStarter) (*app.Service, domain.Offering) {
	t.Helper()
	sqlFS, extra, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	svc := app.New(postgres.NewStore(pool), starter)
	ctx := context.Background()
	spec, price := uuid.New(), uuid.New()
	for kind, id := range map[app.ReplicaKind]uuid.UUID{app.ReplicaSpecifications: spec, app.ReplicaPrices: price} {
		if err := svc.ApplyReplica(ctx, app.ReplicaChange{EventID: uuid.NewString(), Kind: kind, ID: id, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	name := "Fiber"
	c, _ := domain.ParseContent(domain.RawContent{Name: &name, SpecificationIDs: []string{spec.String()},
		PricingIDs: []string{price.String()}, SalesChannels: []string{"web"}})
	o, err := svc.Create(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	o, err = svc.Publish(ctx, o.ID)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return svc, o
}

func job(jobType string, vars map[string]any) sagaworker.Job {
	return sagaworker.Job{Key: 1, Type: jobType, Retries: 3, Variables: vars}
}

func TestConfirmPublicationWorker(t *testing.T) {
	t.Parallel()
	svc, o := publishing(t, okStarter{})
	ctx := context.Background()
	confirm := zeebe.ConfirmPublication(svc)
	vars := map[string]any{"offering_id": o.ID.String(), "saga_id": o.SagaID.UUID.String()}
	for range 2 {
		if _, err := confirm(ctx, job(zeebe.JobConfirmPublication, vars)); err != nil {
			t.Fatalf("confirm: %v", err)
		}
	}
	got, _ := svc.Get(ctx, o.ID)
	if got.Status != domain.Published || got.Version != 3 {
		t.Fatalf("after two confirms: %s v%d", got.Status, got.Version)
	}
	for _, bad := range []map[string]any{
		{"offering_id": o.ID.String(), "saga_id": uuid.NewString()},
		{"offering_id": uuid.NewString(), "saga_id": o.SagaID.UUID.String()},
		{"offering_id": "x", "saga_id": o.SagaID.UUID.String()},
	} {
		if _, err := confirm(ctx, job(zeebe.JobConfirmPublication, bad)); err == nil {
			t.Fatalf("vars %v accepted", bad)
		} else if _, ok := sagaworker.IsBusinessError(err); !ok {
			t.Fatalf("vars %v: %v is not a business error", bad, err)
		}
	}
}

func TestRevertToDraftWorker(t *testing.T) {
	t.Parallel()
	svc, o := publishing(t, okStarter{})
	ctx := context.Background()
	revert := zeebe.RevertToDraft(svc)
	vars := map[string]any{"offering_id": o.ID.String(), "saga_id": o.SagaID.UUID.String(),
		"failure_reason": "price 1 not found", "failed_step": "lock-prices"}
	for range 2 {
		if _, err := revert(ctx, job(zeebe.JobRevertToDraft, vars)); err != nil {
			t.Fatalf("revert: %v", err)
		}
	}
	got, _ := svc.Get(ctx, o.ID)
	if got.Status != domain.Draft || got.FailureReason == nil || *got.FailureReason != "price 1 not found" || got.Version != 3 {
		t.Fatalf("after two reverts: %+v", got)
	}
	// A revert for a saga that no longer owns the offering, or an offering that is gone, has nothing to do.
	for _, v := range []map[string]any{
		{"offering_id": o.ID.String(), "saga_id": uuid.NewString()},
		{"offering_id": uuid.NewString(), "saga_id": uuid.NewString()},
	} {
		if _, err := revert(ctx, job(zeebe.JobRevertToDraft, v)); err != nil {
			t.Fatalf("vars %v: %v", v, err)
		}
	}
}

func TestISODuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		2 * time.Minute: "PT2M", 90 * time.Second: "PT1M30S", time.Hour + time.Second: "PT1H1S",
		1500 * time.Millisecond: "PT2S", 0: "PT0S",
	} {
		if got := zeebe.ISODuration(d); got != want {
			t.Errorf("ISODuration(%s) = %s, want %s", d, got, want)
		}
	}
}

func TestStarterVariablesFollowTheSagaContract(t *testing.T) {
	t.Parallel()
	st := zeebe.NewStarter(nil, 2*time.Minute, time.Second)
	ctx := correlation.With(context.Background(), "corr-1")
	s := app.PublicationStart{OfferingID: uuid.New(), SagaID: uuid.New(), PriceIDs: []uuid.UUID{uuid.New()},
		SpecificationIDs: []uuid.UUID{uuid.New(), uuid.New()}}
	v := st.Variables(ctx, s)
	if v["offering_id"] != s.OfferingID.String() || v["saga_id"] != s.SagaID.String() || v["saga_timeout"] != "PT2M" ||
		v["correlation_id"] != "corr-1" || len(v["price_ids"].([]string)) != 1 || len(v["specification_ids"].([]string)) != 2 {
		t.Fatalf("variables %v", v)
	}
	if _, ok := v["trace_context"].(map[string]string); !ok {
		t.Fatalf("trace_context %T", v["trace_context"])
	}
}

// With the real Zeebe client and no engine listening, publish answers the unavailable error and the offering
// is a DRAFT again with the reason.
func TestPublishWithoutAReachableEngineRevertsToDraft(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	client, err := sagaworker.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	starter := zeebe.NewStarter(client, time.Minute, 2*time.Second)

	sqlFS, extra, _ := postgres.Migrations()
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	svc := app.New(postgres.NewStore(pool), starter)
	ctx := context.Background()
	spec, price := uuid.New(), uuid.New()
	for kind, id := range map[app.ReplicaKind]uuid.UUID{app.ReplicaSpecifications: spec, app.ReplicaPrices: price} {
		if err := svc.ApplyReplica(ctx, app.ReplicaChange{EventID: uuid.NewString(), Kind: kind, ID: id, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	name := "Offline"
	c, _ := domain.ParseContent(domain.RawContent{Name: &name, SpecificationIDs: []string{spec.String()},
		PricingIDs: []string{price.String()}, SalesChannels: []string{"web"}})
	o, err := svc.Create(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Publish(ctx, o.ID)
	var unavailable *app.SagaUnavailableError
	if !errors.As(err, &unavailable) {
		t.Fatalf("publish error = %v, want SagaUnavailableError", err)
	}
	got, _ := svc.Get(ctx, o.ID)
	if got.Status != domain.Draft || got.FailureReason == nil {
		t.Fatalf("after a failed start: %+v", got)
	}
}
