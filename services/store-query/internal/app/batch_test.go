package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/poll"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

// startBatcher runs a batcher until the test ends.
func startBatcher(t testing.TB, p *app.Projector, max int) *app.Batcher {
	t.Helper()
	b := app.NewBatcher(p, max)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("batcher: %v", err)
		}
	})
	return b
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Many price events arriving at once, out of order: every caller succeeds, the replica and both
// documents using the price end at the newest version, and the search index shows it.
func TestBatcherAppliesConcurrentEventsToTheNewestVersion(t *testing.T) {
	store, idx, p, _ := setup(t)
	b := startBatcher(t, p, 16)
	ctx := testCtx(t)
	c := storetest.NewCatalog("Batch Plan", 1, domain.StatusPublished)
	publish(t, p, c, true)
	second := c.Offering
	second.ID, second.Name = "second-"+c.Offering.ID, "Batch Plan Two"
	if err := p.ApplyOffering(ctx, second); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for v := int64(41); v >= 2; v-- {
		wg.Go(func() {
			pr := c.Price
			pr.Version, pr.Value = v, float64(v)
			errs <- b.ApplyPrice(ctx, pr)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
	}
	for _, id := range []string{c.Offering.ID, second.ID} {
		d, err := store.GetVisible(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Versions.Prices[c.Price.ID] != 41 || d.Pricing[0].Value != 41 {
			t.Fatalf("document %s carries price v%d = %v, want v41 = 41", id, d.Versions.Prices[c.Price.ID], d.Pricing[0].Value)
		}
	}
	r, err := idx.Search(ctx, domain.Query{Text: "batch", Limit: 10, Sort: domain.SortName})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 2 || r.Items[0].Pricing[0].Value != 41 {
		t.Fatalf("search = %d hits, first priced %v; want 2 at 41", r.Total, r.Items[0].Pricing[0].Value)
	}
	if pending, err := store.PendingIndex(ctx, 10); err != nil || len(pending) != 0 {
		t.Fatalf("index queue = %d, %v; want empty", len(pending), err)
	}
}

// The offering's own state wins over its sources' events in the same batch: retired together
// with a price change, its document goes.
func TestBatcherRetiredOfferingWinsOverAPriceChange(t *testing.T) {
	store, idx, p, _ := setup(t)
	b := startBatcher(t, p, 16)
	ctx := testCtx(t)
	c := storetest.NewCatalog("Retire Batch", 5, domain.StatusPublished)
	publish(t, p, c, true)

	retired := c.Offering
	retired.Status, retired.Version = domain.StatusRetired, 2
	price := c.Price
	price.Version, price.Value = 2, 6
	var wg sync.WaitGroup
	var errPrice, errOffering error
	wg.Go(func() { errPrice = b.ApplyPrice(ctx, price) })
	wg.Go(func() { errOffering = b.ApplyOffering(ctx, retired) })
	wg.Wait()
	if errPrice != nil || errOffering != nil {
		t.Fatalf("apply: %v, %v", errPrice, errOffering)
	}
	if _, err := store.Get(ctx, c.Offering.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("retired offering's document: %v", err)
	}
	if ids := found(t, idx, "retire"); len(ids) != 0 {
		t.Fatalf("retired offering still searchable: %v", ids)
	}
}

// failingReplicas fails every write of one price.
type failingReplicas struct {
	app.Replicas
	priceID string
}

func (f failingReplicas) UpsertPrice(ctx context.Context, p domain.Price) (app.Outcome, error) {
	if p.ID == f.priceID {
		return 0, errors.New("disk full")
	}
	return f.Replicas.UpsertPrice(ctx, p)
}

// One entity that cannot be stored fails only its own events; the others in the batch land.
func TestBatcherFailsOnlyTheEventsOfAFailingEntity(t *testing.T) {
	store, idx, _, _ := setup(t)
	ctx := testCtx(t)
	bad := storetest.NewCatalog("Bad Price", 1, domain.StatusPublished)
	good := storetest.NewCatalog("Good Price", 1, domain.StatusPublished)
	p := app.NewProjector(failingReplicas{Replicas: store, priceID: bad.Price.ID}, store, store, idx, storetest.Discard())
	for _, c := range []storetest.Catalog{good, bad} {
		if _, err := store.UpsertPrice(ctx, c.Price); err != nil { // version 1, before the failures start
			t.Fatal(err)
		}
		for _, err := range []error{p.ApplyCharacteristic(ctx, c.Characteristic), p.ApplySpecification(ctx, c.Specification), p.ApplyOffering(ctx, c.Offering)} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	b := startBatcher(t, p, 16)
	var wg sync.WaitGroup
	results := map[string]error{}
	var mu sync.Mutex
	for i, pr := range []domain.Price{good.Price, bad.Price} {
		wg.Go(func() {
			pr.Version, pr.Value = 2, float64(10+i)
			err := b.ApplyPrice(ctx, pr)
			mu.Lock()
			results[pr.ID] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	if results[good.Price.ID] != nil {
		t.Fatalf("the good price failed: %v", results[good.Price.ID])
	}
	if results[bad.Price.ID] == nil {
		t.Fatal("the failing price reported success")
	}
	d, err := store.GetVisible(ctx, good.Offering.ID)
	if err != nil || d.Pricing[0].Value != 10 {
		t.Fatalf("good document = %+v, %v", d.Pricing, err)
	}
}

// During shutdown the consumer's handlers outlive the batcher: an event handed over after Run
// returned must fail at once, not wait forever (that hung the service's stop).
func TestBatcherRefusesEventsAfterItStopped(t *testing.T) {
	_, _, p, _ := setup(t)
	b := app.NewBatcher(p, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c := storetest.NewCatalog("Late", 1, domain.StatusPublished)
	if err := b.ApplyPrice(testCtx(t), c.Price); !errors.Is(err, app.ErrBatcherStopped) {
		t.Fatalf("apply after stop = %v, want ErrBatcherStopped", err)
	}
}

// gatedDisk is a staged index whose writes reach the disk only when the test opens the gate.
type gatedDisk struct {
	bleveIndex
	gate chan struct{}
}

type bleveIndex = *bleve.Index

func (g *gatedDisk) Index(ctx context.Context, docs ...domain.Document) error {
	durable, err := g.IndexStaged(ctx, docs...)
	if err != nil {
		return err
	}
	return durable(ctx)
}

func (g *gatedDisk) IndexStaged(ctx context.Context, docs ...domain.Document) (func(context.Context) error, error) {
	durable, err := g.bleveIndex.IndexStaged(ctx, docs...)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		select {
		case <-g.gate:
			return durable(ctx)
		case <-ctx.Done():
			return ctx.Err()
		}
	}, nil
}

// A batch's events are acknowledged only once the index has their documents on disk, yet the
// next batch does not wait for that disk write: its documents become searchable meanwhile.
func TestEventsWaitForTheIndexDiskButTheNextBatchDoesNot(t *testing.T) {
	store, _ := storetest.NewStore(t)
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	disk := &gatedDisk{bleveIndex: idx, gate: make(chan struct{})}
	p := app.NewProjector(store, store, store, disk, storetest.Discard())
	ctx := context.Background()
	first, second := storetest.NewCatalog("Gated One", 10, domain.StatusPublished), storetest.NewCatalog("Gated Two", 10, domain.StatusPublished)
	for _, c := range []storetest.Catalog{first, second} {
		for _, err := range []error{p.ApplyCharacteristic(ctx, c.Characteristic), p.ApplySpecification(ctx, c.Specification), p.ApplyPrice(ctx, c.Price)} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	b := startBatcher(t, p, 8)

	acked := make(chan error, 2)
	go func() { acked <- b.ApplyOffering(ctx, first.Offering) }()
	waitSearchable(t, idx, "gated one")
	go func() { acked <- b.ApplyOffering(ctx, second.Offering) }()
	waitSearchable(t, idx, "gated two") // the batcher went on while the first waits for the disk
	select {
	case err := <-acked:
		t.Fatalf("an event was acknowledged before its index write reached the disk: %v", err)
	default:
	}
	close(disk.gate)
	for range 2 {
		if err := <-acked; err != nil {
			t.Fatal(err)
		}
	}
}

func waitSearchable(t *testing.T, idx *bleve.Index, text string) {
	t.Helper()
	searchable := poll.Until(10*time.Second, func() bool {
		r, err := idx.Search(context.Background(), domain.Query{Text: text, Limit: 10, Sort: domain.SortName})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total > 0
	})
	if !searchable {
		t.Fatalf("%q not searchable within 10 s", text)
	}
}
