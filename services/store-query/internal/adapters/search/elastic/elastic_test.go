package elastic_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/elastic"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/searchtest"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

func newEngine(t *testing.T, f *fakeES) *elastic.Engine {
	t.Helper()
	e, err := elastic.New(elastic.Config{URL: f.srv.URL, Index: "store-test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.EnsureIndex(context.Background()); err != nil {
		t.Fatalf("ensure index: %v", err)
	}
	return e
}

func TestElasticsearchAdapterPassesTheSearchContract(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) searchtest.Engine { return newEngine(t, newFakeES(t)) })
}

func TestSearchRequestIsABoolQueryWithFiltersSortAndAggregations(t *testing.T) {
	f := newFakeES(t)
	e := newEngine(t, f)
	min, max := 10.0, 90.0
	_, err := e.Search(context.Background(), domain.Query{
		Text: "fiber", MinPrice: &min, MaxPrice: &max, Channel: "online", Sort: domain.SortPriceAsc, Skip: 20, Limit: 5,
		Characteristics: []domain.CharacteristicFilter{{Name: "Speed", Value: "100"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.bodies) != 1 {
		t.Fatalf("search requests = %d", len(f.bodies))
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(f.bodies[0]), &body); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"paging uses from and size", body["from"] == 20.0 && body["size"] == 5.0},
		{"the text is a multi_match over name, description and characteristic text", strings.Contains(f.bodies[0], `"multi_match":{"fields":["name^3","description","characteristic_text"]`)},
		{"the price is a range filter", strings.Contains(f.bodies[0], `"range":{"price_from":{"gte":10,"lte":90}}`)},
		{"the channel is a term filter", strings.Contains(f.bodies[0], `"term":{"sales_channels":"online"}`)},
		{"the characteristic is a term filter on the pair keyword", strings.Contains(f.bodies[0], `"term":{"characteristic_pairs":"Speed\u001f100"}`)},
		{"price ascending sorts on price_from with an id tie-break", strings.Contains(f.bodies[0], `"sort":[{"price_from":{"order":"asc"}},{"id":{"order":"asc"}}]`)},
		{"the facets are aggregations", strings.Contains(f.bodies[0], `"aggs":{"channels":{"terms"`) && strings.Contains(f.bodies[0], `"prices":{"range"`)},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: body %s", c.name, f.bodies[0])
		}
	}
}

func TestUnavailableClusterIsAnError(t *testing.T) {
	f := newFakeES(t)
	e := newEngine(t, f)
	f.setDown(true)
	if _, err := e.Search(context.Background(), domain.Query{Limit: 1}); err == nil {
		t.Fatal("search on a down cluster succeeded")
	}
	if err := e.Index(context.Background(), searchtest.Catalog()...); err == nil {
		t.Fatal("bulk on a down cluster succeeded")
	}
	if err := e.Ping(context.Background()); err == nil {
		t.Fatal("ping on a down cluster succeeded")
	}
}

func TestResetRecreatesAnEmptyIndex(t *testing.T) {
	f := newFakeES(t)
	e := newEngine(t, f)
	ctx := context.Background()
	if err := e.Index(ctx, searchtest.Catalog()...); err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := e.Search(ctx, domain.Query{Limit: 10})
	if err != nil || r.Total != 0 {
		t.Fatalf("after reset: %d, %v", r.Total, err)
	}
}
