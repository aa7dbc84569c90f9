package bleve_test

import (
	"context"
	"path/filepath"
	"testing"

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
