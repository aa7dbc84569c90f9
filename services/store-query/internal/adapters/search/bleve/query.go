package bleve

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	store "github.com/tmfcatalog/platform/services/store-query/internal/adapters/search"
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

// Search implements app.Searcher. The columns match and score the full text (as bleve would,
// see text.go), filter, count the facets, order the matches (or every document, without text)
// and copy the page's documents, all in memory: bleve is not read. As in Elasticsearch,
// filters do not change relevance.
func (x *Index) Search(ctx context.Context, q domain.Query) (domain.Result, error) {
	if err := ctx.Err(); err != nil {
		return domain.Result{}, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return domain.Result{}, ErrClosed
	}
	text := strings.TrimSpace(q.Text)
	cols := x.cols
	var tokens analysis.TokenStream
	if text != "" {
		tokens = cols.analyzer.Analyze([]byte(text))
	}
	cols.mu.RLock()
	defer cols.mu.RUnlock()
	return cols.search(q, text != "", tokens), nil
}

// textHit is one full-text match.
type textHit struct {
	id    string
	score float64
}

// allHits returns every document matching q with its score (Open lists the index with it).
// It replaces bleve's top-N collection (which would sort and keep hits) with a handler that
// only records id and score: no doc values are read.
func allHits(ctx context.Context, idx bleve.Index, q query.Query) ([]textHit, error) {
	var hits []textHit
	collect := func(sc *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		return func(d *search.DocumentMatch) error {
			if d != nil {
				hits = append(hits, textHit{id: d.ID, score: d.Score})
				sc.DocumentMatchPool.Put(d)
			}
			return nil
		}, true, nil // true: load each hit's external id
	}
	ctx = context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(collect))
	req := bleve.NewSearchRequestOptions(q, 1, 0, false)
	if _, err := idx.SearchInContext(ctx, req); err != nil {
		return nil, fmt.Errorf("bleve search: %w", err)
	}
	return hits, nil
}

// loadSources loads and decodes the stored documents of ids, in order (Open reads them).
func loadSources(ctx context.Context, idx bleve.Index, ids []string) ([]domain.Document, error) {
	out := make([]domain.Document, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	adv, err := idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("bleve index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("bleve reader: %w", err)
	}
	defer r.Close()
	for _, id := range ids {
		doc, err := r.Document(id)
		if err != nil {
			return nil, fmt.Errorf("load document %s: %w", id, err)
		}
		var raw []byte
		if doc != nil {
			doc.VisitFields(func(f index.Field) {
				if f.Name() == fSource {
					raw = f.Value()
				}
			})
		}
		if raw == nil {
			return nil, fmt.Errorf("load document %s: no stored source", id)
		}
		d, err := store.DecodeSource(raw)
		if err != nil {
			return nil, fmt.Errorf("hit %s: %w", id, err)
		}
		out = append(out, d)
	}
	return out, nil
}
