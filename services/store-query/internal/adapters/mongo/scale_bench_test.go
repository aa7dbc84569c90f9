package mongo_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/searchtest"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

// BenchmarkLookupsAtScale measures the queries a price update and the index syncer make, over
// a store of STORE_BENCH_DOCS documents (default 20,000).
func BenchmarkLookupsAtScale(b *testing.B) {
	s, _ := storetest.NewStore(b)
	ctx := context.Background()
	n := benchDocs()
	t0 := time.Now()
	shared := "price-shared"
	for i := range n {
		d := searchtest.Doc(uuid.NewString(), fmt.Sprintf("Plan %d", i), "desc", float64(i%300), []string{"online"}, t0)
		if i%1000 == 0 {
			d.Pricing[0].ID = shared
		}
		if err := s.Put(ctx, d, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("loaded %d documents in %s", n, time.Since(t0))
	b.Run("IDsUsing price", func(b *testing.B) {
		for b.Loop() {
			ids, err := s.IDsUsing(ctx, domain.KindPrice, shared)
			if err != nil || len(ids) != n/1000 {
				b.Fatalf("%d ids, %v", len(ids), err)
			}
		}
	})
	b.Run("PendingIndex", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.PendingIndex(ctx, 500); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Get by id", func(b *testing.B) {
		ids, _ := s.IDsUsing(ctx, domain.KindPrice, shared)
		for b.Loop() {
			if _, err := s.Get(ctx, ids[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchDocs() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("STORE_BENCH_DOCS"), &n); err != nil || n < 1000 {
		return 20000
	}
	return n
}
