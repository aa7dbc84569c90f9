package app

import (
	"context"
	"slices"
	"testing"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// countingSources records what it was asked for; every spec has characteristic "c-<spec>".
type countingSources struct{ specs, prices [][]string }

func (c *countingSources) Sources(_ context.Context, specIDs, priceIDs []string) (domain.Sources, error) {
	c.specs, c.prices = append(c.specs, specIDs), append(c.prices, priceIDs)
	src := domain.Sources{Specifications: map[string]domain.Specification{}, Characteristics: map[string]domain.Characteristic{}, Prices: map[string]domain.Price{}}
	for _, id := range specIDs {
		if id == "absent" {
			continue
		}
		src.Specifications[id] = domain.Specification{ID: id, CharacteristicIDs: []string{"c-" + id}}
		src.Characteristics["c-"+id] = domain.Characteristic{ID: "c-" + id}
	}
	for _, id := range priceIDs {
		src.Prices[id] = domain.Price{ID: id}
	}
	return src, nil
}

func TestSourceCacheLoadsEachSourceOncePerBatch(t *testing.T) {
	r := &countingSources{}
	c := newSourceCache(r)
	ctx := context.Background()
	if _, err := c.Sources(ctx, []string{"s1", "absent"}, []string{"p1"}); err != nil {
		t.Fatal(err)
	}
	src, err := c.Sources(ctx, []string{"s1", "s2", "absent"}, []string{"p1", "p2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sources(ctx, []string{"s2"}, []string{"p2"}); err != nil {
		t.Fatal(err)
	}
	if len(r.specs) != 2 || !slices.Equal(r.specs[1], []string{"s2"}) || !slices.Equal(r.prices[1], []string{"p2"}) {
		t.Fatalf("asked for specs %v and prices %v; want the second call to ask only for s2 and p2, and no third call", r.specs, r.prices)
	}
	if _, ok := src.Characteristics["c-s1"]; !ok {
		t.Fatal("a characteristic loaded by the first call is missing from the second answer")
	}
	if _, ok := src.Specifications["absent"]; ok {
		t.Fatal("an absent specification appeared")
	}
}
