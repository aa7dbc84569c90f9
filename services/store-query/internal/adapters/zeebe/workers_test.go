package zeebe_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type env struct {
	store  *mongo.Store
	index  *bleve.Index
	create sagaworker.Handler
	delete sagaworker.Handler
}

func setup(t *testing.T) env {
	t.Helper()
	store, _ := storetest.NewStore(t)
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	p := app.NewProjector(store, store, store, idx, storetest.Discard())
	return env{store: store, index: idx, create: zeebe.CreateStoreEntry(p), delete: zeebe.DeleteStoreEntry(p)}
}

func job(jobType string, c storetest.Catalog) sagaworker.Job {
	return sagaworker.Job{Type: jobType, Retries: 3, Variables: map[string]any{
		"offering_id": c.Offering.ID, "saga_id": "s-1",
		"specification_ids": []any{c.Specification.ID}, "price_ids": []any{c.Price.ID},
	}}
}

func loadReplicas(t *testing.T, s *mongo.Store, c storetest.Catalog) {
	t.Helper()
	ctx := context.Background()
	for _, err := range []error{
		func() error { _, err := s.UpsertCharacteristic(ctx, c.Characteristic); return err }(),
		func() error { _, err := s.UpsertSpecification(ctx, c.Specification); return err }(),
		func() error { _, err := s.UpsertPrice(ctx, c.Price); return err }(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreateStoreEntryWaitsForMissingReplicas(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	c := storetest.NewCatalog("Waiting Plan", 25, domain.StatusPublishing)
	if _, err := e.store.UpsertOffering(ctx, c.Offering); err != nil {
		t.Fatal(err)
	}
	_, err := e.create(ctx, job(zeebe.JobCreateStoreEntry, c))
	var missing *domain.MissingReplicaError
	if !errors.As(err, &missing) {
		t.Fatalf("error = %v, want a missing replica", err)
	}
	if _, business := sagaworker.IsBusinessError(err); business {
		t.Fatal("a missing replica must be retried, not compensated")
	}
	if _, err := e.store.Get(ctx, c.Offering.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a partial document was written: %v", err)
	}
}

func TestCreateStoreEntryPreCreatesAnInvisibleDocumentOnce(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	c := storetest.NewCatalog("Saga Plan", 25, domain.StatusPublishing)
	loadReplicas(t, e.store, c)
	if _, err := e.store.UpsertOffering(ctx, c.Offering); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a re-delivered job
		vars, err := e.create(ctx, job(zeebe.JobCreateStoreEntry, c))
		if err != nil {
			t.Fatal(err)
		}
		if vars["store_entry_created"] != true {
			t.Fatalf("vars = %v", vars)
		}
	}
	d, err := e.store.Get(ctx, c.Offering.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Visible || d.Pricing[0].Value != 25 {
		t.Fatalf("document = %+v", d)
	}
	if _, err := e.store.GetVisible(ctx, c.Offering.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatal("a pre-created document is visible to shoppers")
	}
	r, err := e.index.Search(ctx, domain.Query{Text: "saga", Limit: 10})
	if err != nil || r.Total != 0 {
		t.Fatalf("pre-created document searchable: %d, %v", r.Total, err)
	}
}

func TestCreateStoreEntryRetriesWhileTheOfferingReplicaIsStale(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	c := storetest.NewCatalog("Stale Plan", 25, domain.StatusDraft)
	loadReplicas(t, e.store, c)
	if _, err := e.store.UpsertOffering(ctx, c.Offering); err != nil {
		t.Fatal(err)
	}
	j := job(zeebe.JobCreateStoreEntry, c)
	j.Variables["price_ids"] = []any{"another-price"}
	_, err := e.create(ctx, j)
	var stale *app.StaleReplicaError
	if !errors.As(err, &stale) {
		t.Fatalf("error = %v, want a stale replica", err)
	}
}

func TestDeleteStoreEntryRemovesTheDocumentAndIsIdempotent(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	c := storetest.NewCatalog("Compensated Plan", 25, domain.StatusPublishing)
	loadReplicas(t, e.store, c)
	if _, err := e.store.UpsertOffering(ctx, c.Offering); err != nil {
		t.Fatal(err)
	}
	if _, err := e.create(ctx, job(zeebe.JobCreateStoreEntry, c)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := e.delete(ctx, job(zeebe.JobDeleteStoreEntry, c)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.store.Get(ctx, c.Offering.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("document still there: %v", err)
	}
}

func TestJobsWithoutAnOfferingIDAreBusinessErrors(t *testing.T) {
	e := setup(t)
	for _, h := range []sagaworker.Handler{e.create, e.delete} {
		_, err := h(context.Background(), sagaworker.Job{Variables: map[string]any{}})
		if _, ok := sagaworker.IsBusinessError(err); !ok {
			t.Fatalf("error = %v, want a business error", err)
		}
	}
}

// lookedUp signals the first time the offering replica is read.
type lookedUp struct {
	app.Replicas
	once  sync.Once
	first chan struct{}
}

func (l *lookedUp) Offering(ctx context.Context, id string) (domain.Offering, error) {
	o, err := l.Replicas.Offering(ctx, id)
	l.once.Do(func() { close(l.first) })
	return o, err
}

// The replica's event usually arrives milliseconds after the job: the step waits for it
// (up to ReplicaWait) instead of failing into the engine's 1 s retry backoff.
func TestCreateStoreEntryWaitsForAReplicaThatArrivesShortlyAfter(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	replicas := &lookedUp{Replicas: e.store, first: make(chan struct{})}
	p := app.NewProjector(replicas, e.store, e.store, e.index, storetest.Discard())
	p.ReplicaWait = 20 * time.Second
	c := storetest.NewCatalog("Late Replica Plan", 25, domain.StatusPublishing)
	loadReplicas(t, e.store, c)
	landed := make(chan error, 1)
	go func() {
		<-replicas.first // the job has looked and found no offering replica
		_, err := e.store.UpsertOffering(ctx, c.Offering)
		landed <- err
	}()
	if _, err := zeebe.CreateStoreEntry(p)(ctx, job(zeebe.JobCreateStoreEntry, c)); err != nil {
		t.Fatalf("create-store-entry failed instead of waiting for the replica: %v", err)
	}
	if err := <-landed; err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Get(ctx, c.Offering.ID); err != nil {
		t.Fatalf("document after the wait: %v", err)
	}
}
