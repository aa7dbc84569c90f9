package zeebe_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

func setup(t *testing.T) (*app.Service, []string) {
	t.Helper()
	sqlFS, extra, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	svc := app.New(postgres.NewStore(pool))
	var ids []string
	for _, name := range []string{"a", "b"} {
		d, _ := domain.ParseDetails(domain.RawDetails{Name: name, Value: "1", Unit: "u", Currency: "USD"})
		p, err := svc.Create(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID.String())
	}
	return svc, ids
}

func job(jobType string, vars map[string]any) sagaworker.Job {
	return sagaworker.Job{Key: 1, Type: jobType, Retries: 3, Variables: vars}
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestLockPricesWorker(t *testing.T) {
	t.Parallel()
	svc, ids := setup(t)
	ctx := context.Background()
	lock := zeebe.LockPrices(svc)
	saga, offering := uuid.NewString(), uuid.NewString()

	t.Run("a missing price is a business error naming it and locks nothing", func(t *testing.T) {
		missing := uuid.NewString()
		_, err := lock(ctx, job(zeebe.JobLockPrices, map[string]any{"saga_id": saga, "offering_id": offering,
			"price_ids": anys(append([]string{missing}, ids...))}))
		reason, ok := sagaworker.IsBusinessError(err)
		if !ok || !strings.Contains(reason, missing) {
			t.Fatalf("error = %v, want a business error naming %s", err, missing)
		}
		p, _ := svc.Get(ctx, uuid.MustParse(ids[0]))
		if p.Locked() {
			t.Fatal("a refused set must lock nothing")
		}
	})
	t.Run("malformed variables are business errors", func(t *testing.T) {
		for _, vars := range []map[string]any{
			{"saga_id": "x", "price_ids": anys(ids)},
			{"saga_id": saga, "price_ids": []any{"nope"}},
			{"saga_id": saga, "price_ids": []any{}},
			{"saga_id": saga, "offering_id": "x", "price_ids": anys(ids)},
		} {
			if _, err := lock(ctx, job(zeebe.JobLockPrices, vars)); err == nil {
				t.Fatalf("vars %v accepted", vars)
			} else if _, ok := sagaworker.IsBusinessError(err); !ok {
				t.Fatalf("vars %v: %v is not a business error", vars, err)
			}
		}
	})
	t.Run("the whole set is locked and a redelivered job changes nothing", func(t *testing.T) {
		for range 2 {
			if _, err := lock(ctx, job(zeebe.JobLockPrices, map[string]any{"saga_id": saga, "offering_id": offering,
				"price_ids": anys(ids)})); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range ids {
			p, _ := svc.Get(ctx, uuid.MustParse(id))
			if len(p.Holds) != 1 || p.Holds[0].SagaID.String() != saga || p.Holds[0].OfferingID.UUID.String() != offering {
				t.Fatalf("holds of %s: %+v", id, p.Holds)
			}
		}
	})
	t.Run("unlock releases the saga's holds and can repeat", func(t *testing.T) {
		unlock := zeebe.UnlockPrices(svc)
		for range 2 {
			if _, err := unlock(ctx, job(zeebe.JobUnlockPrices, map[string]any{"saga_id": saga, "price_ids": anys(ids)})); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range ids {
			if p, _ := svc.Get(ctx, uuid.MustParse(id)); p.Locked() {
				t.Fatalf("price %s still held", id)
			}
		}
	})
}
