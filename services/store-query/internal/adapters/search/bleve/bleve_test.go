package bleve_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/searchtest"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

func open(t *testing.T) *bleve.Index {
	t.Helper()
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	return idx
}

func TestBleveIndexPassesTheSearchContract(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) searchtest.Engine { return open(t) })
}

func TestResetEmptiesTheIndex(t *testing.T) {
	idx := open(t)
	ctx := context.Background()
	if err := idx.Index(ctx, searchtest.Catalog()...); err != nil {
		t.Fatal(err)
	}
	if err := idx.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := idx.Search(ctx, domain.Query{Limit: 10, Sort: domain.SortRelevance})
	if err != nil || r.Total != 0 {
		t.Fatalf("after reset: total %d, %v", r.Total, err)
	}
}

func TestClosedIndexFailsInsteadOfAnswering(t *testing.T) {
	idx := open(t)
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Search(context.Background(), domain.Query{Limit: 1}); err == nil {
		t.Fatal("search on a closed index succeeded")
	}
	if err := idx.Ping(context.Background()); err == nil {
		t.Fatal("ping on a closed index succeeded")
	}
}

// reopening is an engine that closes and reopens its index after every write, so the contract
// runs against columns rebuilt from what bleve stored.
type reopening struct {
	t   *testing.T
	dir string
	idx *bleve.Index
}

func (r *reopening) reopen() {
	if err := r.idx.Close(); err != nil {
		r.t.Fatal(err)
	}
	idx, err := bleve.Open(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	r.idx = idx
}

func (r *reopening) Index(ctx context.Context, docs ...domain.Document) error {
	defer r.reopen()
	return r.idx.Index(ctx, docs...)
}

func (r *reopening) Remove(ctx context.Context, ids ...string) error {
	defer r.reopen()
	return r.idx.Remove(ctx, ids...)
}

func (r *reopening) Search(ctx context.Context, q domain.Query) (domain.Result, error) {
	return r.idx.Search(ctx, q)
}

func TestAReopenedIndexPassesTheSearchContract(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) searchtest.Engine {
		dir := filepath.Join(t.TempDir(), "index")
		idx, err := bleve.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		r := &reopening{t: t, dir: dir, idx: idx}
		t.Cleanup(func() { _ = r.idx.Close() })
		return r
	})
}

// A staged write is searchable when it returns, and once its durable func returned it survives
// closing and reopening the index; so does a staged removal.
func TestStagedWritesAreSearchableAtOnceAndKeptOnceDurable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	ctx := context.Background()
	docs := searchtest.Catalog()
	total := func(idx *bleve.Index) int {
		t.Helper()
		r, err := idx.Search(ctx, domain.Query{Limit: 100, Sort: domain.SortRelevance})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	durable, err := idx.IndexStaged(ctx, docs...)
	if err != nil {
		t.Fatal(err)
	}
	visible := 0
	for _, d := range docs {
		if d.Visible {
			visible++
		}
	}
	if got := total(idx); got != visible {
		t.Fatalf("right after the staged write %d documents are found, want %d", got, visible)
	}
	// The events of a batch share its wait: every caller gets the answer.
	waits := make(chan error, 3)
	for range 3 {
		go func() { waits <- durable(ctx) }()
	}
	for range 3 {
		select {
		case err := <-waits:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a second wait for the same staged write never returned")
		}
	}
	removed, err := idx.RemoveStaged(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := removed(ctx); err != nil {
		t.Fatal(err)
	}
	want := total(idx)
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if idx, err = bleve.Open(dir); err != nil {
		t.Fatal(err)
	}
	if got := total(idx); got != want {
		t.Fatalf("after reopening %d documents are found, want %d", got, want)
	}
}
