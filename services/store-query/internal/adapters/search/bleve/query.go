package bleve

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Boosts of the full-text fields: a match in the name outweighs one in the description.
const (
	boostName        = 3.0
	boostDescription = 1.0
	boostCharText    = 1.0
)

// pairFacetSize bounds the characteristic pair facet before it is grouped by name.
const pairFacetSize = 500

// Search implements app.Searcher.
func (x *Index) Search(ctx context.Context, q domain.Query) (domain.Result, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return domain.Result{}, ErrClosed
	}
	req := bleve.NewSearchRequestOptions(buildQuery(q), q.Limit, q.Skip, false)
	req.Fields = []string{fSource}
	req.SortBy(sortOrder(q.EffectiveSort()))
	req.AddFacet("channels", bleve.NewFacetRequest(fChannels, domain.FacetSize))
	req.AddFacet("pairs", bleve.NewFacetRequest(fPairs, pairFacetSize))
	prices := bleve.NewFacetRequest(fPrice, len(domain.PriceRanges))
	for _, r := range domain.PriceRanges {
		from := r.From
		prices.AddNumericRange(r.Key, &from, r.To)
	}
	req.AddFacet("prices", prices)
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return domain.Result{}, fmt.Errorf("bleve search: %w", err)
	}
	out := domain.Result{Total: int(res.Total), Items: make([]domain.Document, 0, len(res.Hits))}
	for _, h := range res.Hits {
		raw, _ := h.Fields[fSource].(string)
		d, err := search.DecodeSource([]byte(raw))
		if err != nil {
			return domain.Result{}, fmt.Errorf("hit %s: %w", h.ID, err)
		}
		out.Items = append(out.Items, d)
	}
	out.Facets = facets(res)
	return out, nil
}

func buildQuery(q domain.Query) query.Query {
	var must []query.Query
	if text := strings.TrimSpace(q.Text); text != "" {
		match := func(field string, boost float64) query.Query {
			m := bleve.NewMatchQuery(text)
			m.SetField(field)
			m.SetBoost(boost)
			return m
		}
		must = append(must, bleve.NewDisjunctionQuery(
			match(fName, boostName), match(fDescription, boostDescription), match(fCharText, boostCharText)))
	}
	if q.MinPrice != nil || q.MaxPrice != nil {
		inclusive := true
		r := bleve.NewNumericRangeInclusiveQuery(q.MinPrice, q.MaxPrice, &inclusive, &inclusive)
		r.SetField(fPrice)
		must = append(must, r)
	}
	if q.Channel != "" {
		t := bleve.NewTermQuery(q.Channel)
		t.SetField(fChannels)
		must = append(must, t)
	}
	for _, c := range q.Characteristics {
		t := bleve.NewTermQuery(domain.PairKey(c))
		t.SetField(fPairs)
		must = append(must, t)
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery()
	}
	return bleve.NewConjunctionQuery(must...)
}

func sortOrder(s domain.Sort) []string {
	switch s {
	case domain.SortPriceAsc:
		return []string{fPrice, "_id"}
	case domain.SortPriceDesc:
		return []string{"-" + fPrice, "_id"}
	case domain.SortName:
		return []string{fNameSort, "_id"}
	case domain.SortNewest:
		return []string{"-" + fPublished, "_id"}
	default:
		return []string{"-_score", "-" + fPublished, "_id"}
	}
}

func facets(res *bleve.SearchResult) domain.Facets {
	f := domain.Facets{PriceRanges: []domain.RangeCount{}, Channels: []domain.ValueCount{}}
	if fr := res.Facets["channels"]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			f.Channels = append(f.Channels, domain.ValueCount{Value: t.Term, Count: t.Count})
		}
	}
	domain.SortValueCounts(f.Channels)
	var pairs []domain.ValueCount
	if fr := res.Facets["pairs"]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			pairs = append(pairs, domain.ValueCount{Value: t.Term, Count: t.Count})
		}
	}
	f.Characteristics = domain.GroupCharacteristicFacets(pairs)
	counts := map[string]int{}
	if fr := res.Facets["prices"]; fr != nil {
		for _, r := range fr.NumericRanges {
			counts[r.Name] = r.Count
		}
	}
	for _, r := range domain.PriceRanges {
		if n := counts[r.Key]; n > 0 {
			f.PriceRanges = append(f.PriceRanges, domain.RangeCount{Key: r.Key, From: r.From, To: r.To, Count: n})
		}
	}
	return f
}
