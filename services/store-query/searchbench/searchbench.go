// Package searchbench is the benchmark hook of the store's embedded search index. The platform
// benchmark lives in another module and cannot import the service's internal packages, so this
// package opens the very bleve adapter the service ships, loads generated offerings into it and
// runs store queries through it: what the benchmark measures is the code in production, not a
// copy. It is not used by the service itself.
package searchbench

import (
	"context"
	"fmt"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Characteristic is one characteristic of an offering, or one characteristic filter of a
// query (Unit is ignored there).
type Characteristic struct{ Name, Value, Unit string }

// Offering is a published offering to index: one specification holding its characteristics
// and one monthly price.
type Offering struct {
	ID, Name, Description string
	Characteristics       []Characteristic
	Price                 float64
	Channels              []string
	Published             time.Time
}

// Query is a store search, as the store's HTTP API takes it.
type Query struct {
	Text               string
	MinPrice, MaxPrice *float64
	Channel            string
	Characteristics    []Characteristic
	// Sort is one of relevance, price_asc, price_desc, name, newest ("" is relevance).
	Sort        string
	Skip, Limit int
}

// Hit is one returned offering, decoded from the index's stored source.
type Hit struct {
	ID, Name string
	Price    float64
}

// Count is one facet value and how many matches have it.
type Count struct {
	Value string
	Count int
}

// Result is one page of results with the facets the store API returns.
type Result struct {
	Total int
	Hits  []Hit
	// Channels, PriceRanges and Characteristics ("name:value") are the three facets.
	Channels, PriceRanges, Characteristics []Count
}

// Index is the store's bleve search adapter.
type Index struct{ idx *bleve.Index }

// Open opens (or creates) the adapter's index in dir.
func Open(dir string) (*Index, error) {
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Index{idx: idx}, nil
}

// Close closes the index.
func (x *Index) Close() error { return x.idx.Close() }

// Add indexes offerings in one batch, through the adapter's write path.
func (x *Index) Add(ctx context.Context, offerings ...Offering) error {
	docs := make([]domain.Document, 0, len(offerings))
	for _, o := range offerings {
		docs = append(docs, toDocument(o))
	}
	return x.idx.Index(ctx, docs...)
}

// Remove deletes offerings by id.
func (x *Index) Remove(ctx context.Context, ids ...string) error { return x.idx.Remove(ctx, ids...) }

// Search runs q through the adapter exactly as the store's search use case does.
func (x *Index) Search(ctx context.Context, q Query) (Result, error) {
	dq, err := toQuery(q)
	if err != nil {
		return Result{}, err
	}
	r, err := x.idx.Search(ctx, dq)
	if err != nil {
		return Result{}, err
	}
	return fromResult(r), nil
}

func toDocument(o Offering) domain.Document {
	spec := domain.DocSpecification{ID: o.ID + "-spec", Name: o.Name + " spec", Characteristics: []domain.DocCharacteristic{}}
	for i, c := range o.Characteristics {
		spec.Characteristics = append(spec.Characteristics, domain.DocCharacteristic{
			ID: fmt.Sprintf("%s-char-%d", o.ID, i), Name: c.Name, Value: c.Value, Unit: c.Unit})
	}
	published := o.Published.UTC()
	return domain.Document{
		ID: o.ID, Name: o.Name, Description: o.Description, SalesChannels: o.Channels,
		PublishedAt: &published, Status: domain.StatusPublished, Visible: true, Revision: 1,
		Specifications: []domain.DocSpecification{spec},
		Pricing:        []domain.DocPrice{{ID: o.ID + "-price", Name: "Monthly", Value: o.Price, Unit: "month", Currency: "EUR"}},
	}
}

func toQuery(q Query) (domain.Query, error) {
	sort, err := domain.ParseSort(q.Sort)
	if err != nil {
		return domain.Query{}, err
	}
	dq := domain.Query{Text: q.Text, MinPrice: q.MinPrice, MaxPrice: q.MaxPrice, Channel: q.Channel,
		Sort: sort, Skip: q.Skip, Limit: q.Limit}
	for _, c := range q.Characteristics {
		dq.Characteristics = append(dq.Characteristics, domain.CharacteristicFilter{Name: c.Name, Value: c.Value})
	}
	return dq, nil
}

func fromResult(r domain.Result) Result {
	out := Result{Total: r.Total, Hits: make([]Hit, 0, len(r.Items))}
	for _, d := range r.Items {
		out.Hits = append(out.Hits, Hit{ID: d.ID, Name: d.Name, Price: d.PriceFrom()})
	}
	for _, c := range r.Facets.Channels {
		out.Channels = append(out.Channels, Count(c))
	}
	for _, p := range r.Facets.PriceRanges {
		out.PriceRanges = append(out.PriceRanges, Count{Value: p.Key, Count: p.Count})
	}
	for _, f := range r.Facets.Characteristics {
		for _, v := range f.Values {
			out.Characteristics = append(out.Characteristics, Count{Value: f.Name + ":" + v.Value, Count: v.Count})
		}
	}
	return out
}
