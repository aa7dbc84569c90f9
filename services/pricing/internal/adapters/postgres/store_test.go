package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

func newService(t *testing.T) (*app.Service, *pgxpool.Pool) {
	t.Helper()
	sqlFS, extra, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	return app.New(postgres.NewStore(pool)), pool
}

func newPrice(t *testing.T, svc *app.Service) domain.Price {
	t.Helper()
	d, err := domain.ParseDetails(domain.RawDetails{Name: uuid.NewString(), Value: "10", Unit: "month", Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Create(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLockSetIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, pool := newService(t)
	a, b := newPrice(t, svc), newPrice(t, svc)
	missing := uuid.New()
	saga := uuid.New()

	_, err := svc.LockPrices(ctx, app.LockCommand{SagaID: saga, PriceIDs: []uuid.UUID{a.ID, missing, b.ID}})
	var merr *domain.MissingPricesError
	if !errors.As(err, &merr) || len(merr.IDs) != 1 || merr.IDs[0] != missing {
		t.Fatalf("error = %v, want the missing price %s named", err, missing)
	}
	if n := count(t, pool, `SELECT count(*) FROM price_holds`); n != 0 {
		t.Fatalf("%d holds left by a refused set", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM outbox WHERE event_type = 'PriceLocked'`); n != 0 {
		t.Fatalf("%d PriceLocked events left by a refused set", n)
	}

	offering := uuid.NullUUID{UUID: uuid.New(), Valid: true}
	for range 2 {
		ps, err := svc.LockPrices(ctx, app.LockCommand{SagaID: saga, OfferingID: offering, PriceIDs: []uuid.UUID{a.ID, b.ID}})
		if err != nil || len(ps) != 2 || !ps[0].Locked() || !ps[1].Locked() {
			t.Fatalf("lock set: %v %+v", err, ps)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM price_holds WHERE saga_id = $1 AND offering_id = $2`, saga, offering.UUID); n != 2 {
		t.Fatalf("%d holds, want 2 after a repeated lock", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM outbox WHERE event_type = 'PriceLocked'`); n != 2 {
		t.Fatalf("%d PriceLocked events, want one per price", n)
	}

	if _, err := svc.LockPrices(ctx, app.LockCommand{SagaID: saga}); !errors.Is(err, app.ErrNoPrices) {
		t.Fatalf("empty set error = %v", err)
	}
}

func TestUnlockReleasesOnlyTheSagasHoldsAndIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, pool := newService(t)
	a, b := newPrice(t, svc), newPrice(t, svc)
	mine, other := uuid.New(), uuid.New()
	if _, err := svc.LockPrices(ctx, app.LockCommand{SagaID: mine, PriceIDs: []uuid.UUID{a.ID, b.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LockPrices(ctx, app.LockCommand{SagaID: other, PriceIDs: []uuid.UUID{a.ID}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := svc.UnlockPrices(ctx, mine, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := svc.Get(ctx, a.ID)
	if err != nil || !got.Locked() || got.Holds[0].SagaID != other {
		t.Fatalf("price a must stay held by the other saga: %+v %v", got.Holds, err)
	}
	if err := got.Update(got.Details, got.UpdatedAt); err == nil {
		t.Fatal("price a must still be frozen")
	}
	if got, _ := svc.Get(ctx, b.ID); got.Locked() {
		t.Fatal("price b must be free")
	}
	if n := count(t, pool, `SELECT count(*) FROM outbox WHERE event_type = 'PriceUnlocked'`); n != 2 {
		t.Fatalf("%d PriceUnlocked events, want 2 (a repeat adds none)", n)
	}
}

func TestConcurrentSagasLockingOverlappingSetsBothSucceed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, pool := newService(t)
	a, b, c := newPrice(t, svc), newPrice(t, svc), newPrice(t, svc)
	sets := [][]uuid.UUID{{a.ID, b.ID}, {c.ID, b.ID, a.ID}, {b.ID, c.ID}}
	var wg sync.WaitGroup
	errs := make(chan error, len(sets))
	for _, set := range sets {
		wg.Go(func() {
			_, err := svc.LockPrices(ctx, app.LockCommand{SagaID: uuid.New(), PriceIDs: set})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent lock: %v", err)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM price_holds`); n != 7 {
		t.Fatalf("%d holds, want 7", n)
	}
}

func TestRetiredOfferingReleasesItsHoldsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, pool := newService(t)
	a := newPrice(t, svc)
	offering, other := uuid.New(), uuid.New()
	lock := func(o uuid.UUID) {
		if _, err := svc.LockPrices(ctx, app.LockCommand{SagaID: uuid.New(), OfferingID: uuid.NullUUID{UUID: o, Valid: true},
			PriceIDs: []uuid.UUID{a.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	lock(offering)
	lock(other)
	event := uuid.NewString()
	for range 2 {
		if err := svc.ReleaseOffering(ctx, event, offering); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM price_holds WHERE offering_id = $1`, offering); n != 0 {
		t.Fatalf("%d holds of the retired offering left", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM price_holds WHERE offering_id = $1`, other); n != 1 {
		t.Fatalf("the other offering's hold must stay, found %d", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM outbox WHERE event_type = 'PriceUnlocked'`); n != 1 {
		t.Fatalf("%d PriceUnlocked events, want 1", n)
	}
}
