package searchbench_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/searchbench"
)

func TestTheHookIndexesAndSearchesThroughTheAdapter(t *testing.T) {
	ctx := context.Background()
	idx, err := searchbench.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = idx.Add(ctx,
		searchbench.Offering{ID: "a", Name: "Fiber Max", Description: "fast internet", Price: 40, Channels: []string{"online"},
			Published: t0, Characteristics: []searchbench.Characteristic{{Name: "Speed", Value: "1000", Unit: "Mbps"}}},
		searchbench.Offering{ID: "b", Name: "Mobile Lite", Description: "calls and fiber backhaul", Price: 10, Channels: []string{"retail"},
			Published: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := idx.Search(ctx, searchbench.Query{Text: "fiber", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 2 || len(r.Hits) != 2 || r.Hits[0].ID != "a" || r.Hits[0].Price != 40 || r.Hits[0].Name != "Fiber Max" {
		t.Fatalf("fiber = %+v", r)
	}
	want := []searchbench.Count{{Value: "online", Count: 1}, {Value: "retail", Count: 1}}
	if !slices.Equal(r.Channels, want) || len(r.PriceRanges) != 2 || !slices.Equal(r.Characteristics, []searchbench.Count{{Value: "Speed:1000", Count: 1}}) {
		t.Fatalf("facets = %+v", r)
	}
	if err := idx.Remove(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if r, err = idx.Search(ctx, searchbench.Query{Sort: "price_asc", Limit: 10}); err != nil || r.Total != 1 || r.Hits[0].ID != "b" {
		t.Fatalf("after removal = %+v, %v", r, err)
	}
	if _, err := idx.Search(ctx, searchbench.Query{Sort: "cheapest"}); err == nil {
		t.Fatal("an unknown sort was accepted")
	}
}
