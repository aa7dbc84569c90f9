// Package searchtest is the contract every search adapter passes: one suite of full-text,
// filter, facet, paging and sorting cases, run against bleve and the Elasticsearch adapter.
package searchtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Engine is what an adapter under test provides.
type Engine interface {
	Index(ctx context.Context, docs ...domain.Document) error
	Remove(ctx context.Context, ids ...string) error
	Search(ctx context.Context, q domain.Query) (domain.Result, error)
}

// Doc builds a visible document with one specification holding the given characteristics
// ("name=value" pairs) and one price.
func Doc(id, name, description string, price float64, channels []string, published time.Time, chars ...[2]string) domain.Document {
	spec := domain.DocSpecification{ID: id + "-spec", Name: name + " spec"}
	for i, c := range chars {
		spec.Characteristics = append(spec.Characteristics, domain.DocCharacteristic{
			ID: fmt.Sprintf("%s-char-%d", id, i), Name: c[0], Value: c[1], Unit: "NONE",
		})
	}
	p := published.UTC()
	return domain.Document{
		ID: id, Name: name, Description: description, SalesChannels: channels, PublishedAt: &p,
		Status: domain.StatusPublished, Visible: true, Revision: 1,
		Specifications: []domain.DocSpecification{spec},
		Pricing:        []domain.DocPrice{{ID: id + "-price", Name: "Monthly", Value: price, Unit: "month", Currency: "USD"}},
	}
}

// Catalog is the suite's fixed data set.
func Catalog() []domain.Document {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return []domain.Document{
		Doc("o1", "Fiber Max", "Fast home internet", 80, []string{"online", "retail"}, t0.Add(1*time.Hour), [2]string{"Speed", "1000"}),
		Doc("o2", "Home Basic", "Affordable fiber connection for small homes", 20, []string{"online"}, t0.Add(2*time.Hour), [2]string{"Speed", "100"}),
		Doc("o3", "Mobile Unlimited", "Unlimited data on the go", 45, []string{"retail"}, t0.Add(3*time.Hour), [2]string{"Data", "Unlimited"}),
		Doc("o4", "Business Fiber Pro", "Dedicated line", 150, []string{"partner"}, t0.Add(4*time.Hour), [2]string{"Speed", "1000"}),
		Doc("o5", "TV Package", "Over two hundred channels", 30, []string{"online"}, t0.Add(5*time.Hour), [2]string{"Channels", "200"}),
	}
}

func ptr(v float64) *float64 { return &v }

func ids(r domain.Result) []string {
	out := make([]string, len(r.Items))
	for i, d := range r.Items {
		out[i] = d.ID
	}
	return out
}

// Run runs the contract against engines made by newEngine (a fresh, empty one per call).
func Run(t *testing.T, newEngine func(t *testing.T) Engine) {
	ctx := context.Background()
	seeded := func(t *testing.T) Engine {
		e := newEngine(t)
		if err := e.Index(ctx, Catalog()...); err != nil {
			t.Fatalf("index catalog: %v", err)
		}
		return e
	}
	search := func(t *testing.T, e Engine, q domain.Query) domain.Result {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 10
		}
		if q.Sort == "" {
			q.Sort = domain.SortRelevance
		}
		r, err := e.Search(ctx, q)
		if err != nil {
			t.Fatalf("search %+v: %v", q, err)
		}
		return r
	}

	t.Run("a match in the name ranks above a match in the description", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{Text: "fiber"})
		got := ids(r)
		if r.Total != 3 || len(got) != 3 || got[2] != "o2" || !slices.Contains(got[:2], "o1") || !slices.Contains(got[:2], "o4") {
			t.Fatalf("hits = %v (total %d), want o1 and o4 before o2", got, r.Total)
		}
	})
	t.Run("full text matches characteristic values", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{Text: "1000", Sort: domain.SortName})
		if got := ids(r); !slices.Equal(got, []string{"o4", "o1"}) {
			t.Fatalf("hits = %v, want [o4 o1]", got)
		}
	})
	t.Run("price range, channel and characteristic filters combine", func(t *testing.T) {
		q := domain.Query{MinPrice: ptr(20), MaxPrice: ptr(100), Channel: "online",
			Characteristics: []domain.CharacteristicFilter{{Name: "Speed", Value: "1000"}}}
		if got := ids(search(t, seeded(t), q)); !slices.Equal(got, []string{"o1"}) {
			t.Fatalf("hits = %v, want [o1]", got)
		}
	})
	t.Run("price bounds are inclusive", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{MinPrice: ptr(20), MaxPrice: ptr(30), Sort: domain.SortPriceAsc})
		if got := ids(r); !slices.Equal(got, []string{"o2", "o5"}) {
			t.Fatalf("hits = %v, want [o2 o5]", got)
		}
	})
	t.Run("text and filters combine", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{Text: "fiber", Channel: "partner"})
		if got := ids(r); !slices.Equal(got, []string{"o4"}) {
			t.Fatalf("hits = %v, want [o4]", got)
		}
	})
	t.Run("facets count every match, not only the page", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{Limit: 1})
		if r.Total != 5 || len(r.Items) != 1 {
			t.Fatalf("total %d, items %d", r.Total, len(r.Items))
		}
		wantChannels := []domain.ValueCount{{Value: "online", Count: 3}, {Value: "retail", Count: 2}, {Value: "partner", Count: 1}}
		if !slices.Equal(r.Facets.Channels, wantChannels) {
			t.Errorf("channels = %v, want %v", r.Facets.Channels, wantChannels)
		}
		var ranges []string
		for _, pr := range r.Facets.PriceRanges {
			ranges = append(ranges, fmt.Sprintf("%s=%d", pr.Key, pr.Count))
		}
		if want := []string{"0-25=1", "25-50=2", "50-100=1", "100-200=1"}; !slices.Equal(ranges, want) {
			t.Errorf("price ranges = %v, want %v", ranges, want)
		}
		var chars []string
		for _, c := range r.Facets.Characteristics {
			for _, v := range c.Values {
				chars = append(chars, fmt.Sprintf("%s:%s=%d", c.Name, v.Value, v.Count))
			}
		}
		if want := []string{"Channels:200=1", "Data:Unlimited=1", "Speed:1000=2", "Speed:100=1"}; !slices.Equal(chars, want) {
			t.Errorf("characteristics = %v, want %v", chars, want)
		}
	})
	t.Run("facets follow the filters", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{Channel: "retail"})
		want := []domain.ValueCount{{Value: "retail", Count: 2}, {Value: "online", Count: 1}}
		if !slices.Equal(r.Facets.Channels, want) {
			t.Errorf("channels = %v, want %v", r.Facets.Channels, want)
		}
	})
	t.Run("skip and limit page through a stable order", func(t *testing.T) {
		e := seeded(t)
		r := search(t, e, domain.Query{Sort: domain.SortPriceAsc, Skip: 1, Limit: 2})
		if got := ids(r); r.Total != 5 || !slices.Equal(got, []string{"o5", "o3"}) {
			t.Fatalf("page = %v (total %d), want [o5 o3] of 5", got, r.Total)
		}
		r = search(t, e, domain.Query{Sort: domain.SortPriceAsc, Skip: 4, Limit: 2})
		if got := ids(r); !slices.Equal(got, []string{"o4"}) {
			t.Fatalf("last page = %v, want [o4]", got)
		}
		r = search(t, e, domain.Query{Sort: domain.SortPriceAsc, Skip: 10, Limit: 2})
		if len(r.Items) != 0 || r.Total != 5 {
			t.Fatalf("page past the end = %v (total %d)", ids(r), r.Total)
		}
	})
	sorts := []struct {
		name string
		sort domain.Sort
		want []string
	}{
		{"price ascending sorts cheapest first", domain.SortPriceAsc, []string{"o2", "o5", "o3", "o1", "o4"}},
		{"price descending sorts dearest first", domain.SortPriceDesc, []string{"o4", "o1", "o3", "o5", "o2"}},
		{"name sorts alphabetically ignoring case", domain.SortName, []string{"o4", "o1", "o2", "o3", "o5"}},
		{"newest sorts by publication date", domain.SortNewest, []string{"o5", "o4", "o3", "o2", "o1"}},
		{"relevance without text falls back to newest", domain.SortRelevance, []string{"o5", "o4", "o3", "o2", "o1"}},
	}
	for _, s := range sorts {
		t.Run(s.name, func(t *testing.T) {
			if got := ids(search(t, seeded(t), domain.Query{Sort: s.sort})); !slices.Equal(got, s.want) {
				t.Fatalf("order = %v, want %v", got, s.want)
			}
		})
	}
	t.Run("hits carry the whole document", func(t *testing.T) {
		r := search(t, seeded(t), domain.Query{Text: "mobile"})
		if len(r.Items) != 1 {
			t.Fatalf("hits = %v", ids(r))
		}
		d := r.Items[0]
		if d.Name != "Mobile Unlimited" || d.Pricing[0].Value != 45 || d.Specifications[0].Characteristics[0].Value != "Unlimited" ||
			!slices.Equal(d.SalesChannels, []string{"retail"}) || d.PublishedAt == nil {
			t.Fatalf("document = %+v", d)
		}
	})
	t.Run("re-indexing a document replaces it", func(t *testing.T) {
		e := seeded(t)
		d := Catalog()[1]
		d.Pricing[0].Value = 500
		if err := e.Index(ctx, d); err != nil {
			t.Fatal(err)
		}
		if got := ids(search(t, e, domain.Query{MinPrice: ptr(400)})); !slices.Equal(got, []string{"o2"}) {
			t.Fatalf("after price update = %v, want [o2]", got)
		}
		if r := search(t, e, domain.Query{MaxPrice: ptr(25)}); r.Total != 0 {
			t.Fatalf("old price still matches: %v", ids(r))
		}
	})
	t.Run("a removed document is no longer found", func(t *testing.T) {
		e := seeded(t)
		if err := e.Remove(ctx, "o3", "unknown-id"); err != nil {
			t.Fatal(err)
		}
		r := search(t, e, domain.Query{Text: "mobile"})
		if r.Total != 0 {
			t.Fatalf("removed document found: %v", ids(r))
		}
		if r := search(t, e, domain.Query{}); r.Total != 4 {
			t.Fatalf("total after removal = %d, want 4", r.Total)
		}
	})
}
