package bleve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// sameAsBleve checks n random queries against the oracle (bleve answering alone).
func sameAsBleve(t *testing.T, x *Index, r *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	for range n {
		q := randomQuery(r)
		got, err := x.Search(ctx, q)
		if err != nil {
			t.Fatalf("query %+v: %v", q, err)
		}
		want, err := oracleSearch(ctx, x.idx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("query %+v:\n got  %d %v %+v\n want %d %v %+v", q, got.Total, docIDs(got), got.Facets, want.Total, docIDs(want), want.Facets)
		}
	}
}

func TestRowsHoldEachTermOnceAndReuseFreedSlots(t *testing.T) {
	c := newColumns(indexMapping().AnalyzerNamed(en.AnalyzerName))
	put := func(docs ...domain.Document) { c.put(docs, c.analyse(docs)) }
	d := domain.Document{ID: "a", Name: "Fiber MAX", SalesChannels: []string{"online", "online", "retail"},
		Pricing: []domain.DocPrice{{Value: 30}, {Value: 20}}}
	put(d)
	r := c.rows[c.slots["a"]]
	if len(r.chans) != 2 || c.ties[c.slots["a"]].name != "fiber max" || r.bucket != 0 || r.doc.PublishedAt != nil || c.newKeys[c.slots["a"]] != math.MaxUint64 {
		t.Fatalf("row = %+v", r)
	}
	if online := c.chans.num["online"]; c.all.chans[online] != 1 || c.all.prices[0] != 1 {
		t.Fatalf("running counts = %+v, want online and 0-25 once", c.all)
	}
	c.remove([]string{"a", "unknown"})
	if online := c.chans.num["online"]; c.all.chans[online] != 0 || c.all.prices[0] != 0 {
		t.Fatalf("running counts after removal = %+v", c.all)
	}
	if c.size() != 0 || c.live.has(0) || c.live.count() != 0 {
		t.Fatalf("after removal: %d documents, row %+v", c.size(), c.rows[0])
	}
	put(domain.Document{ID: "b"}, domain.Document{ID: "c"})
	if len(c.rows) != 2 || c.slots["b"] != 0 || c.size() != 2 {
		t.Fatalf("slots = %v over %d rows, want b in the freed row 0", c.slots, len(c.rows))
	}
	put(domain.Document{ID: "b", Name: "new"}, domain.Document{ID: "b", Name: "newer"})
	if c.size() != 2 || c.ties[c.slots["b"]].name != "newer" {
		t.Fatalf("replacing b: %d documents, row %+v", c.size(), c.rows[c.slots["b"]])
	}
}

func TestColumnsAreRebuiltWhenTheIndexIsReopened(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	var docs []domain.Document
	for i := range 300 {
		docs = append(docs, randomDocument(r, i))
	}
	if err := x.Index(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if err := x.Remove(ctx, docs[0].ID, docs[1].ID); err != nil {
		t.Fatal(err)
	}
	before := x.cols.size()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if x, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if n, _ := x.idx.DocCount(); x.cols.size() != before || int(n) != before {
		t.Fatalf("reopened: %d rows, %d in bleve, want %d", x.cols.size(), n, before)
	}
	sameAsBleve(t, x, r, 200)
}

func TestConcurrentWritesAndSearchesEndConsistent(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for i := range 30 {
				err := x.Index(ctx, randomDocument(r, i), randomDocument(r, i+100))
				if err == nil && i%3 == 0 {
					err = x.Remove(ctx, fmt.Sprintf("doc-%03d", r.IntN(1000)))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for s := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(s), 10))
			for range 60 {
				q := randomQuery(r)
				res, err := x.Search(ctx, q)
				if err != nil {
					errs <- fmt.Errorf("search %+v: %w", q, err)
					return
				}
				if len(res.Items) > q.Limit || len(res.Items) > 0 && res.Items[0].ID == "" {
					errs <- fmt.Errorf("search %+v: items %v", q, docIDs(res))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sameAsBleve(t, x, rand.New(rand.NewPCG(3, 3)), 150)
}

func TestRewrittenDocumentsLeaveNoPostingsBehind(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := rand.New(rand.NewPCG(8, 8))
	for i := range 200 {
		d := randomDocument(r, i)
		d.ID, d.Name = fmt.Sprintf("doc-%d", i%3), "fiber "+d.Name
		if err := x.Index(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	p := &x.cols.text[0]
	n := p.terms.num["fiber"]
	if p.df[n] != 3 || len(p.lists[n]) > 3+2*32 {
		t.Fatalf("fiber: docFreq %d, %d postings; want 3 and stale ones compacted", p.df[n], len(p.lists[n]))
	}
	res, err := x.Search(ctx, domain.Query{Text: "fiber", Limit: 10})
	if err != nil || res.Total != 3 {
		t.Fatalf("fiber: %d hits, %v", res.Total, err)
	}
	sameAsBleve(t, x, r, 100)
}

func TestFiltersFindTermsNumberedPastTheBitmasks(t *testing.T) {
	c := newColumns(indexMapping().AnalyzerNamed(en.AnalyzerName))
	var many []string
	for i := range 70 {
		many = append(many, fmt.Sprintf("c%d", i))
	}
	docs := []domain.Document{{ID: "a", SalesChannels: many}, {ID: "b", SalesChannels: []string{"c69", "c3"}}, {ID: "c", SalesChannels: []string{"c68"}}}
	c.put(docs, c.analyse(docs))
	for _, tc := range []struct {
		channel string
		want    int
	}{{"c69", 2}, {"c3", 2}, {"c68", 2}, {"c0", 1}, {"c70", 0}} {
		if n := c.search(domain.Query{Channel: tc.channel}, false, nil).Total; n != tc.want {
			t.Errorf("channel %s: %d matches, want %d", tc.channel, n, tc.want)
		}
	}
	f := c.search(domain.Query{Channel: "c3", Limit: 1}, false, nil).Facets
	if len(f.Channels) != 50 || f.Channels[0] != (domain.ValueCount{Value: "c3", Count: 2}) || f.Channels[1] != (domain.ValueCount{Value: "c69", Count: 2}) {
		t.Errorf("channel facet = %v", f.Channels[:3])
	}
}

func TestFacetsCountedRowByRowEqualThoseCountedFromTheSets(t *testing.T) {
	c := newColumns(indexMapping().AnalyzerNamed(en.AnalyzerName))
	r := rand.New(rand.NewPCG(5, 8))
	var docs []domain.Document
	for i := range 3000 {
		d := randomDocument(r, i)
		if i%7 == 0 { // terms numbered past the sets
			d.SalesChannels = append(d.SalesChannels, fmt.Sprintf("extra-%d", i%90))
		}
		docs = append(docs, d)
	}
	c.put(docs, c.analyse(docs))
	c.remove([]string{docs[0].ID, docs[5].ID})
	for range 200 {
		q := randomQuery(r)
		m := make(bitset, (len(c.rows)+63)/64)
		copy(m, c.live)
		f := c.compileFilter(q)
		c.apply(m, &f)
		if rows, sets := c.countRows(m), c.countSets(m); !reflect.DeepEqual(rows, sets) {
			t.Fatalf("query %+v: row by row %+v, from the sets %+v", q, rows, sets)
		}
	}
}
