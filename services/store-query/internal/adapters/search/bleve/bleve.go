// Package bleve is the embedded search engine: a bleve v2 index on disk behind the store's
// search port, with the same features as the Elasticsearch adapter (analysed full text with
// boosted name, price range, channel and characteristic filters, sorting, paging, facets).
package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Field names in the index.
const (
	fName        = "name"
	fDescription = "description"
	fCharText    = "characteristic_text"
	fNameSort    = "name_sort"
	fPrice       = "price_from"
	fChannels    = "sales_channels"
	fPairs       = "characteristic_pairs"
	fPublished   = "published_at"
	fSource      = "source"
)

// ErrClosed is returned after Close.
var ErrClosed = errors.New("search index is closed")

// Index is an on-disk bleve index with its columns in memory.
type Index struct {
	dir string
	// mu guards the lifecycle: Close and Reset exclude every other call.
	mu  sync.RWMutex
	idx bleve.Index
	// cols answers filters, sorting and facets (see columns); rebuilt from bleve on Open.
	cols *columns
	// writeMu makes writers apply their changes to bleve and to the columns in the same order.
	writeMu sync.Mutex
}

// Open opens the index in dir, creating it with the store mapping when absent, and loads its
// columns from the stored documents.
func Open(dir string) (*Index, error) {
	idx, err := openOrCreate(dir)
	if err != nil {
		return nil, err
	}
	cols, err := loadColumns(idx)
	if err != nil {
		_ = idx.Close()
		return nil, err
	}
	return &Index{dir: dir, idx: idx, cols: cols}, nil
}

// runtimeConfig asks for batches that return once searchable instead of once on disk; the
// writers wait for the disk through the batch's persisted callback (see apply), so a crash
// loses nothing that was acknowledged. A new map each time: bleve writes into it (the path).
func runtimeConfig() map[string]any { return map[string]any{"unsafe_batch": true} }

func openOrCreate(dir string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(dir, runtimeConfig())
	if err == nil {
		return idx, nil
	}
	if !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	idx, err = bleve.NewUsing(dir, indexMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, runtimeConfig())
	if err != nil {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	return idx, nil
}

func indexMapping() mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store, f.IncludeInAll, f.IncludeTermVectors = false, false, false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store, f.IncludeInAll, f.IncludeTermVectors = false, false, false
		return f
	}
	num := bleve.NewNumericFieldMapping()
	num.Store, num.IncludeInAll = false, false
	date := bleve.NewDateTimeFieldMapping()
	date.Store, date.IncludeInAll = false, false
	src := bleve.NewTextFieldMapping()
	src.Index, src.Store, src.IncludeInAll, src.IncludeTermVectors, src.DocValues = false, true, false, false, false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fName, text())
	doc.AddFieldMappingsAt(fDescription, text())
	doc.AddFieldMappingsAt(fCharText, text())
	doc.AddFieldMappingsAt(fNameSort, kw())
	doc.AddFieldMappingsAt(fChannels, kw())
	doc.AddFieldMappingsAt(fPairs, kw())
	doc.AddFieldMappingsAt(fPrice, num)
	doc.AddFieldMappingsAt(fPublished, date)
	doc.AddFieldMappingsAt(fSource, src)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	return m
}

// Close closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	return err
}

// Ping reports whether the index is open (health check).
func (x *Index) Ping(context.Context) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return ErrClosed
	}
	return nil
}

// Reset deletes and re-creates the index.
func (x *Index) Reset(context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx != nil {
		if err := x.idx.Close(); err != nil {
			return fmt.Errorf("close search index: %w", err)
		}
		x.idx = nil
	}
	if err := os.RemoveAll(x.dir); err != nil {
		return fmt.Errorf("remove search index: %w", err)
	}
	idx, err := openOrCreate(x.dir)
	if err != nil {
		return err
	}
	a, err := textAnalyzer(idx)
	if err != nil {
		_ = idx.Close()
		return err
	}
	x.idx, x.cols = idx, newColumns(a)
	return nil
}

// toFields returns a document's fields and its stored source.
func toFields(d domain.Document) (map[string]any, []byte, error) {
	src, err := json.Marshal(search.ToSource(d))
	if err != nil {
		return nil, nil, fmt.Errorf("encode document %s: %w", d.ID, err)
	}
	pairs := []string{}
	for _, p := range d.CharacteristicPairs() {
		pairs = append(pairs, domain.PairKey(p))
	}
	f := map[string]any{
		fName: d.Name, fDescription: d.Description, fCharText: d.CharacteristicText(),
		fNameSort: strings.ToLower(d.Name), fPrice: d.PriceFrom(), fChannels: d.SalesChannels,
		fPairs: pairs, fSource: string(src),
	}
	if d.PublishedAt != nil {
		f[fPublished] = d.PublishedAt.UTC()
	}
	return f, src, nil
}

// Index implements app.Index: IndexStaged, then the wait for the disk.
func (x *Index) Index(ctx context.Context, docs ...domain.Document) error {
	durable, err := x.IndexStaged(ctx, docs...)
	if err != nil {
		return err
	}
	return durable(ctx)
}

// IndexStaged implements app.StagedIndex with one batch. The columns change once bleve has the
// documents, each row holding its document decoded from the stored source, exactly as Open
// reloads it.
func (x *Index) IndexStaged(_ context.Context, docs ...domain.Document) (func(context.Context) error, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, ErrClosed
	}
	if len(docs) == 0 {
		return durableNow, nil
	}
	text := x.cols.analyse(docs)
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	b := x.idx.NewBatch()
	stored := make([]domain.Document, len(docs))
	for i, d := range docs {
		f, src, err := toFields(d)
		if err != nil {
			return nil, err
		}
		if err := b.Index(d.ID, f); err != nil {
			return nil, fmt.Errorf("index document %s: %w", d.ID, err)
		}
		if stored[i], err = search.DecodeSource(src); err != nil {
			return nil, fmt.Errorf("index document %s: %w", d.ID, err)
		}
	}
	durable, err := x.apply(b)
	if err != nil {
		return nil, fmt.Errorf("index %d documents: %w", len(docs), err)
	}
	x.cols.put(stored, text)
	return durable, nil
}

// apply hands the batch to bleve, which makes it searchable at once and writes it to disk in
// the background (the index is opened with unsafe_batch): the returned func waits for that
// write. Batches written while the disk is busy go to disk together. The func may be called
// any number of times, from any goroutine (the events of a batch share it).
func (x *Index) apply(b *bleve.Batch) (func(context.Context) error, error) {
	var once sync.Once
	persisted := make(chan struct{})
	var persistErr error
	b.SetPersistedCallback(func(err error) {
		once.Do(func() {
			persistErr = err
			close(persisted)
		})
	})
	if err := x.idx.Batch(b); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		select {
		case <-persisted:
			if persistErr != nil {
				return fmt.Errorf("write search index to disk: %w", persistErr)
			}
			return nil
		case <-ctx.Done():
			return fmt.Errorf("wait for the search index disk write: %w", ctx.Err())
		}
	}, nil
}

func durableNow(context.Context) error { return nil }

// Remove implements app.Index: RemoveStaged, then the wait for the disk.
func (x *Index) Remove(ctx context.Context, ids ...string) error {
	durable, err := x.RemoveStaged(ctx, ids...)
	if err != nil {
		return err
	}
	return durable(ctx)
}

// RemoveStaged implements app.StagedIndex. The columns drop the documents first, which hides
// them from searches at once; should bleve then fail, the caller retries and a reopened index
// (whose columns come from bleve) still holds them.
func (x *Index) RemoveStaged(_ context.Context, ids ...string) (func(context.Context) error, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, ErrClosed
	}
	if len(ids) == 0 {
		return durableNow, nil
	}
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.cols.remove(ids)
	b := x.idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	durable, err := x.apply(b)
	if err != nil {
		return nil, fmt.Errorf("remove %d documents: %w", len(ids), err)
	}
	return durable, nil
}
