package scenario

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestGeneratedOfferingsAreDeterministicAndVaried(t *testing.T) {
	a, b := generateOffering(7), generateOffering(7)
	if a.ID != b.ID || a.Name != b.Name || a.Price != b.Price {
		t.Fatalf("generateOffering(7) differs between calls: %+v vs %+v", a, b)
	}
	if generateOffering(8).ID == a.ID || len(a.Channels) == 0 {
		t.Fatalf("ids repeat or no channels: %+v", a)
	}
}

func TestTheQueryMixRarelyRepeatsAQuery(t *testing.T) {
	seen := map[string]bool{}
	const n = 400
	for i := range n {
		q := mixedQuery(i)
		key := fmt.Sprintf("%q %q %v %q %v %d", q.Text, q.Channel, q.Characteristics, q.Sort, q.Skip, i%len(queryKinds))
		if q.MinPrice != nil {
			key += fmt.Sprintf(" %v-%v", *q.MinPrice, *q.MaxPrice)
		}
		seen[key] = true
	}
	// Browsing has only 5 sorts × 10 pages; every other shape is (nearly) always new.
	if len(seen) < n*3/4 {
		t.Fatalf("%d distinct queries of %d", len(seen), n)
	}
}

func TestMixedQueriesRunAgainstTheStoreAdapter(t *testing.T) {
	ctx := context.Background()
	const docs = 300
	idx, err := buildSearchIndex(ctx, filepath.Join(t.TempDir(), "idx"), docs)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := checkSearchIndex(ctx, idx, docs); err != nil {
		t.Fatal(err)
	}
	found := 0
	for i := range 40 {
		q := mixedQuery(i)
		if err := runSearch(ctx, idx, q); err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		r, _ := idx.Search(ctx, q)
		found += r.Total
	}
	if found == 0 {
		t.Fatal("no mixed query found anything")
	}
}
