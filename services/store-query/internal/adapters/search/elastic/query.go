package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// pairAggSize bounds the characteristic pair aggregation before it is grouped by name.
const pairAggSize = 500

// SearchBody builds the _search request body of a query.
func SearchBody(q domain.Query) map[string]any {
	var must, filter []any
	if text := strings.TrimSpace(q.Text); text != "" {
		must = append(must, map[string]any{"multi_match": map[string]any{
			"query": text, "type": "best_fields",
			"fields": []string{fName + "^3", fDescription, fCharText},
		}})
	}
	if q.MinPrice != nil || q.MaxPrice != nil {
		r := map[string]any{}
		if q.MinPrice != nil {
			r["gte"] = *q.MinPrice
		}
		if q.MaxPrice != nil {
			r["lte"] = *q.MaxPrice
		}
		filter = append(filter, map[string]any{"range": map[string]any{fPrice: r}})
	}
	if q.Channel != "" {
		filter = append(filter, map[string]any{"term": map[string]any{fChannels: q.Channel}})
	}
	for _, c := range q.Characteristics {
		filter = append(filter, map[string]any{"term": map[string]any{fPairs: domain.PairKey(c)}})
	}
	boolQ := map[string]any{}
	if len(must) > 0 {
		boolQ["must"] = must
	}
	if len(filter) > 0 {
		boolQ["filter"] = filter
	}
	ranges := make([]any, 0, len(domain.PriceRanges))
	for _, r := range domain.PriceRanges {
		b := map[string]any{"key": r.Key, "from": r.From}
		if r.To != nil {
			b["to"] = *r.To
		}
		ranges = append(ranges, b)
	}
	return map[string]any{
		"from": q.Skip, "size": q.Limit, "track_total_hits": true,
		"query":   map[string]any{"bool": boolQ},
		"sort":    sortClause(q.EffectiveSort()),
		"_source": []string{fDoc},
		"aggs": map[string]any{
			"channels": map[string]any{"terms": map[string]any{"field": fChannels, "size": domain.FacetSize}},
			"pairs":    map[string]any{"terms": map[string]any{"field": fPairs, "size": pairAggSize}},
			"prices":   map[string]any{"range": map[string]any{"field": fPrice, "ranges": ranges}},
		},
	}
}

func order(field, dir string) map[string]any {
	return map[string]any{field: map[string]any{"order": dir}}
}

func sortClause(s domain.Sort) []any {
	tie := order(fID, "asc")
	switch s {
	case domain.SortPriceAsc:
		return []any{order(fPrice, "asc"), tie}
	case domain.SortPriceDesc:
		return []any{order(fPrice, "desc"), tie}
	case domain.SortName:
		return []any{order(fNameSort, "asc"), tie}
	case domain.SortNewest:
		return []any{order(fPublished, "desc"), tie}
	default:
		return []any{order("_score", "desc"), order(fPublished, "desc"), tie}
	}
}

type searchResponse struct {
	Hits struct {
		Total struct {
			Value int `json:"value"`
		} `json:"total"`
		Hits []struct {
			ID     string `json:"_id"`
			Source struct {
				Doc search.Source `json:"doc"`
			} `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations struct {
		Channels termsAgg `json:"channels"`
		Pairs    termsAgg `json:"pairs"`
		Prices   struct {
			Buckets []struct {
				Key      string `json:"key"`
				DocCount int    `json:"doc_count"`
			} `json:"buckets"`
		} `json:"prices"`
	} `json:"aggregations"`
}

type termsAgg struct {
	Buckets []struct {
		Key      string `json:"key"`
		DocCount int    `json:"doc_count"`
	} `json:"buckets"`
}

func (a termsAgg) counts() []domain.ValueCount {
	out := make([]domain.ValueCount, 0, len(a.Buckets))
	for _, b := range a.Buckets {
		out = append(out, domain.ValueCount{Value: b.Key, Count: b.DocCount})
	}
	domain.SortValueCounts(out)
	return out
}

// Search implements app.Searcher.
func (e *Engine) Search(ctx context.Context, q domain.Query) (domain.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	body, err := json.Marshal(SearchBody(q))
	if err != nil {
		return domain.Result{}, fmt.Errorf("encode search: %w", err)
	}
	res, err := e.es.Search(e.es.Search.WithContext(ctx), e.es.Search.WithIndex(e.cfg.Index),
		e.es.Search.WithBody(bytes.NewReader(body)))
	if err != nil {
		return domain.Result{}, fmt.Errorf("elasticsearch search: %w", err)
	}
	defer drain(res)
	if res.IsError() {
		return domain.Result{}, check(res, "elasticsearch search")
	}
	var sr searchResponse
	if err := json.NewDecoder(res.Body).Decode(&sr); err != nil {
		return domain.Result{}, fmt.Errorf("decode search response: %w", err)
	}
	out := domain.Result{Total: sr.Hits.Total.Value, Items: make([]domain.Document, 0, len(sr.Hits.Hits))}
	for _, h := range sr.Hits.Hits {
		out.Items = append(out.Items, search.FromSource(h.Source.Doc))
	}
	out.Facets.Channels = sr.Aggregations.Channels.counts()
	out.Facets.Characteristics = domain.GroupCharacteristicFacets(sr.Aggregations.Pairs.counts())
	counts := map[string]int{}
	for _, b := range sr.Aggregations.Prices.Buckets {
		counts[b.Key] = b.DocCount
	}
	out.Facets.PriceRanges = []domain.RangeCount{}
	for _, r := range domain.PriceRanges {
		if n := counts[r.Key]; n > 0 {
			out.Facets.PriceRanges = append(out.Facets.PriceRanges, domain.RangeCount{Key: r.Key, From: r.From, To: r.To, Count: n})
		}
	}
	return out, nil
}
