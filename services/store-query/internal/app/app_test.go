package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// flaky wraps the bleve index; while down is set every write fails.
type flaky struct {
	idx  *bleve.Index
	down atomic.Bool
}

func (f *flaky) Search(ctx context.Context, q domain.Query) (domain.Result, error) {
	return f.idx.Search(ctx, q)
}

var errDown = errors.New("search engine unreachable")

func (f *flaky) Index(ctx context.Context, docs ...domain.Document) error {
	if f.down.Load() {
		return errDown
	}
	return f.idx.Index(ctx, docs...)
}

func (f *flaky) Remove(ctx context.Context, ids ...string) error {
	if f.down.Load() {
		return errDown
	}
	return f.idx.Remove(ctx, ids...)
}

func setup(t *testing.T) (*mongo.Store, *flaky, *app.Projector, *app.IndexSyncer) {
	t.Helper()
	store, _ := storetest.NewStore(t)
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	f := &flaky{idx: idx}
	log := storetest.Discard()
	p := app.NewProjector(store, store, store, f, log)
	return store, f, p, app.NewIndexSyncer(p, 2)
}

func found(t *testing.T, idx *flaky, text string) []string {
	t.Helper()
	r, err := idx.Search(context.Background(), domain.Query{Text: text, Limit: 100, Sort: domain.SortName})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range r.Items {
		ids = append(ids, d.ID)
	}
	return ids
}

func publish(t *testing.T, p *app.Projector, c storetest.Catalog, shared bool) {
	t.Helper()
	ctx := context.Background()
	if shared {
		for _, err := range []error{p.ApplyCharacteristic(ctx, c.Characteristic), p.ApplySpecification(ctx, c.Specification), p.ApplyPrice(ctx, c.Price)} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.ApplyOffering(ctx, c.Offering); err != nil {
		t.Fatal(err)
	}
}

func TestIndexSyncerCatchesUpAfterASearchEngineOutage(t *testing.T) {
	store, idx, p, syncer := setup(t)
	ctx := context.Background()
	kept := storetest.NewCatalog("Outage Kept", 10, domain.StatusPublished)
	gone := storetest.NewCatalog("Outage Gone", 10, domain.StatusPublished)
	publish(t, p, gone, true)

	idx.down.Store(true)
	publish(t, p, kept, true)
	for i := range 3 { // more pending documents than one batch
		c := storetest.NewCatalog("Outage Extra", float64(i), domain.StatusPublished)
		publish(t, p, c, true)
	}
	retired := gone.Offering
	retired.Status, retired.Version = domain.StatusRetired, 2
	if err := p.ApplyOffering(ctx, retired); err != nil {
		t.Fatalf("retire during the outage: %v", err)
	}
	if ids := found(t, idx, "outage"); !slices.Equal(ids, []string{gone.Offering.ID}) {
		t.Fatalf("during the outage the index holds %v", ids)
	}
	if _, err := syncer.Drain(ctx); err == nil {
		t.Fatal("drain succeeded while the engine is down")
	}

	idx.down.Store(false)
	n, err := syncer.Drain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("drained %d, want 4 documents and 1 removal", n)
	}
	if ids := found(t, idx, "kept"); !slices.Equal(ids, []string{kept.Offering.ID}) {
		t.Fatalf("after catching up: %v", ids)
	}
	if ids := found(t, idx, "gone"); len(ids) != 0 {
		t.Fatalf("retired offering still indexed: %v", ids)
	}
	pending, err := store.PendingIndex(ctx, 10)
	if err != nil || len(pending) != 0 {
		t.Fatalf("still pending: %d, %v", len(pending), err)
	}
}

func TestOfferingBackToDraftRemovesItsDocument(t *testing.T) {
	store, _, p, _ := setup(t)
	ctx := context.Background()
	c := storetest.NewCatalog("Failed Plan", 10, domain.StatusPublishing)
	publish(t, p, c, true)
	if err := p.CreateStoreEntry(ctx, c.Offering.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	failed := c.Offering
	failed.Status, failed.Version = domain.StatusDraft, 2
	if err := p.ApplyOffering(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, c.Offering.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("document of a failed publication remains: %v", err)
	}
}

// source is an in-memory write side.
type source struct {
	chars  []domain.Characteristic
	specs  []domain.Specification
	prices []domain.Price
	offs   []domain.Offering
	err    error
}

func (s source) Characteristics(context.Context) ([]domain.Characteristic, error) {
	return s.chars, s.err
}
func (s source) Specifications(context.Context) ([]domain.Specification, error) { return s.specs, nil }
func (s source) Prices(context.Context) ([]domain.Price, error)                 { return s.prices, nil }
func (s source) Offerings(context.Context) ([]domain.Offering, error)           { return s.offs, nil }

func TestRebuildReplacesTheReadModelWithTheWriteServicesState(t *testing.T) {
	store, idx, p, syncer := setup(t)
	ctx := context.Background()
	old := storetest.NewCatalog("Obsolete Plan", 10, domain.StatusPublished)
	publish(t, p, old, true)

	live := storetest.NewCatalog("Rebuilt Plan", 42, domain.StatusPublished)
	draft := live
	draft.Offering = domain.Offering{ID: uuid.NewString(), Name: "Draft Plan", SpecificationIDs: live.Offering.SpecificationIDs,
		PricingIDs: live.Offering.PricingIDs, Status: domain.StatusDraft, Version: 1}
	src := source{
		chars: []domain.Characteristic{live.Characteristic}, specs: []domain.Specification{live.Specification},
		prices: []domain.Price{live.Price}, offs: []domain.Offering{live.Offering, draft.Offering},
	}
	r := app.NewRebuilder(src, store, idx.idx, p, syncer, storetest.Discard())

	if _, err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(ctx) // running it twice gives the same result
	if err != nil {
		t.Fatal(err)
	}
	if rep.Documents != 1 || rep.Indexed != 1 || rep.Offerings != 2 {
		t.Fatalf("report = %+v", rep)
	}
	if _, err := store.Get(ctx, old.Offering.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatal("a document unknown to the write services survived the rebuild")
	}
	d, err := store.GetVisible(ctx, live.Offering.ID)
	if err != nil || d.Pricing[0].Value != 42 {
		t.Fatalf("rebuilt document = %+v, %v", d, err)
	}
	if ids := found(t, idx, "plan"); !slices.Equal(ids, []string{live.Offering.ID}) {
		t.Fatalf("index after rebuild = %v", ids)
	}

	failing := app.NewRebuilder(source{err: errors.New("characteristic service down")}, store, idx.idx, p, syncer, storetest.Discard())
	if _, err := failing.Run(ctx); err == nil {
		t.Fatal("rebuild with an unreachable source succeeded")
	}
	if _, err := store.GetVisible(ctx, live.Offering.ID); err != nil {
		t.Fatalf("a failed rebuild emptied the store: %v", err)
	}
}

// unqueueable is an index queue that cannot take anything.
type unqueueable struct{ app.IndexQueue }

func (unqueueable) Defer(context.Context, ...domain.Document) error {
	return errors.New("queue unreachable")
}

// Nothing is queued for a write the index takes; when the index refuses a write and the queue
// cannot take it either, the event fails (and is delivered again) instead of being lost, both
// alone and in a batch. Its redelivery, once the index is back, brings the index in line.
func TestAnIndexWriteNeitherTakenNorQueuedFailsTheEvent(t *testing.T) {
	store, idx, _, _ := setup(t)
	p := app.NewProjector(store, store, unqueueable{store}, idx, storetest.Discard())
	ctx := context.Background()
	c := storetest.NewCatalog("Unqueued Plan", 10, domain.StatusPublished)
	publish(t, p, c, true)
	if pending, err := store.PendingIndex(ctx, 10); err != nil || len(pending) != 0 {
		t.Fatalf("queue after an indexed write = %+v, %v; want empty", pending, err)
	}
	b := startBatcher(t, p, 8)

	idx.down.Store(true)
	pr := c.Price
	pr.Version, pr.Value = 2, 20
	if err := p.ApplyPrice(ctx, pr); err == nil {
		t.Fatal("a price update the index refused and the queue could not take succeeded")
	}
	pr.Version, pr.Value = 3, 30
	if err := b.ApplyPrice(ctx, pr); err == nil {
		t.Fatal("a batched price update the index refused and the queue could not take succeeded")
	}
	idx.down.Store(false)
	if err := b.ApplyPrice(ctx, pr); err != nil { // the redelivery
		t.Fatalf("redelivery: %v", err)
	}
	r, err := idx.Search(ctx, domain.Query{Text: "unqueued", Limit: 10, Sort: domain.SortName})
	if err != nil || len(r.Items) != 1 || r.Items[0].Pricing[0].Value != 30 {
		t.Fatalf("index after the redelivery = %+v, %v; want the price at 30", r.Items, err)
	}
}
