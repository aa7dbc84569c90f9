// Package searchmirror reproduces store-query's embedded bleve index (the mapping and the
// query of services/store-query/internal/adapters/search/bleve, which other modules cannot
// import) so the benchmark can load 50,000 generated offerings straight into bleve and time
// the store's mixed queries. Keep it in step with that package; the lead is asked to export a
// bench hook so this copy can go.
package searchmirror

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Field names, as store-query indexes them.
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

const pairSep = "\x1f"

// Mapping is store-query's index mapping.
func Mapping() mapping.IndexMapping {
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

// Char is one characteristic of a generated offering.
type Char struct{ Name, Value, Unit string }

// Offering is a generated published offering.
type Offering struct {
	ID, Name, Description string
	Chars                 []Char
	Price                 float64
	Channels              []string
	Published             time.Time
}

var (
	families  = []string{"Fiber", "Mobile", "TV", "Cloud", "Home", "Business", "Gamer", "Student", "Family", "Travel"}
	tiers     = []string{"Start", "Plus", "Max", "Ultra", "Pro", "Lite", "Premium", "Essential"}
	adjective = []string{"fast", "reliable", "unlimited", "symmetric", "flexible", "secure", "low-latency", "affordable"}
	nouns     = []string{"internet", "streaming", "calls", "data", "storage", "support", "router", "roaming"}
	charNames = []string{"Download speed", "Upload speed", "Data allowance", "Contract length", "Technology", "Channels"}
	charVals  = [][]string{{"100", "300", "500", "1000"}, {"50", "100", "500"}, {"10", "50", "100", "unlimited"},
		{"12", "24"}, {"FTTH", "5G", "DSL", "Cable"}, {"80", "150", "250"}}
	charUnits = []string{"Mbps", "Mbps", "GB", "months", "", ""}
	channels  = []string{"online", "retail", "partner", "telesales"}
)

// Generate makes offering i of a deterministic catalog.
func Generate(i int) Offering {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	o := Offering{
		ID:        fmt.Sprintf("6f1c0000-0000-4000-8000-%012d", i),
		Name:      fmt.Sprintf("%s %s %d", families[r.IntN(len(families))], tiers[r.IntN(len(tiers))], 10+r.IntN(990)),
		Price:     float64(5+r.IntN(240)) + 0.9,
		Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(300*24)) * time.Hour),
	}
	var desc []string
	for range 3 + r.IntN(4) {
		desc = append(desc, adjective[r.IntN(len(adjective))]+" "+nouns[r.IntN(len(nouns))])
	}
	o.Description = "Offer with " + strings.Join(desc, ", ") + "."
	for k := range charNames {
		if r.IntN(3) == 0 {
			continue
		}
		o.Chars = append(o.Chars, Char{charNames[k], charVals[k][r.IntN(len(charVals[k]))], charUnits[k]})
	}
	for _, c := range channels {
		if r.IntN(2) == 0 {
			o.Channels = append(o.Channels, c)
		}
	}
	if len(o.Channels) == 0 {
		o.Channels = []string{"online"}
	}
	return o
}

// fields turns an offering into the field map store-query indexes.
func fields(o Offering) map[string]any {
	var pairs, text []string
	for _, c := range o.Chars {
		pairs = append(pairs, c.Name+pairSep+c.Value)
		text = append(text, c.Name+" "+c.Value+" "+c.Unit)
	}
	src, _ := json.Marshal(map[string]any{
		"id": o.ID, "name": o.Name, "description": o.Description, "sales_channels": o.Channels,
		"published_at": o.Published, "lifecycle_status": "PUBLISHED", "revision": 1,
		"specifications": []map[string]any{{"id": o.ID, "name": o.Name + " spec", "characteristics": o.Chars}},
		"pricing":        []map[string]any{{"id": o.ID, "name": "monthly", "value": o.Price, "unit": "month", "currency": "EUR"}},
	})
	return map[string]any{
		fName: o.Name, fDescription: o.Description, fCharText: strings.Join(text, " "),
		fNameSort: strings.ToLower(o.Name), fPrice: o.Price, fChannels: o.Channels, fPairs: pairs,
		fPublished: o.Published, fSource: string(src),
	}
}

// Build creates an index in dir holding offerings 0..n-1, in batches of 1000.
func Build(dir string, n int) (bleve.Index, error) {
	idx, err := bleve.New(dir, Mapping())
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i += 1000 {
		b := idx.NewBatch()
		for j := i; j < min(i+1000, n); j++ {
			o := Generate(j)
			if err := b.Index(o.ID, fields(o)); err != nil {
				idx.Close()
				return nil, err
			}
		}
		if err := idx.Batch(b); err != nil {
			idx.Close()
			return nil, err
		}
	}
	return idx, nil
}

// Query is a store search: text, price range, channel, characteristic filters, sort, page.
type Query struct {
	Text       string
	Min, Max   *float64
	Channel    string
	Pairs      []Char
	SortByName bool
	Limit      int
	// NoFacets leaves the three facets out (the store always asks for them; the benchmark
	// uses it to show what they cost).
	NoFacets bool
}

var priceRanges = []struct {
	key      string
	from, to float64
}{{"0-25", 0, 25}, {"25-50", 25, 50}, {"50-100", 50, 100}, {"100-200", 100, 200}, {"200+", 200, 0}}

// Search runs q the way store-query does (facets on channels, characteristic pairs and price
// ranges; the stored source of each hit decoded) and returns the total.
func Search(ctx context.Context, idx bleve.Index, q Query) (int, error) {
	req := bleve.NewSearchRequestOptions(buildQuery(q), q.Limit, 0, false)
	req.Fields = []string{fSource}
	if q.SortByName {
		req.SortBy([]string{fNameSort, "_id"})
	} else {
		req.SortBy([]string{"-_score", "-" + fPublished, "_id"})
	}
	if !q.NoFacets {
		addFacets(req)
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, err
	}
	for _, h := range res.Hits {
		raw, _ := h.Fields[fSource].(string)
		var v map[string]any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return 0, fmt.Errorf("hit %s: %w", h.ID, err)
		}
	}
	return int(res.Total), nil
}

func addFacets(req *bleve.SearchRequest) {
	req.AddFacet("channels", bleve.NewFacetRequest(fChannels, 50))
	req.AddFacet("pairs", bleve.NewFacetRequest(fPairs, 500))
	prices := bleve.NewFacetRequest(fPrice, len(priceRanges))
	for _, r := range priceRanges {
		from := r.from
		var to *float64
		if r.to > 0 {
			t := r.to
			to = &t
		}
		prices.AddNumericRange(r.key, &from, to)
	}
	req.AddFacet("prices", prices)
}

func buildQuery(q Query) query.Query {
	var must []query.Query
	if text := strings.TrimSpace(q.Text); text != "" {
		match := func(field string, boost float64) query.Query {
			m := bleve.NewMatchQuery(text)
			m.SetField(field)
			m.SetBoost(boost)
			return m
		}
		must = append(must, bleve.NewDisjunctionQuery(match(fName, 3), match(fDescription, 1), match(fCharText, 1)))
	}
	if q.Min != nil || q.Max != nil {
		inc := true
		r := bleve.NewNumericRangeInclusiveQuery(q.Min, q.Max, &inc, &inc)
		r.SetField(fPrice)
		must = append(must, r)
	}
	if q.Channel != "" {
		t := bleve.NewTermQuery(q.Channel)
		t.SetField(fChannels)
		must = append(must, t)
	}
	for _, c := range q.Pairs {
		t := bleve.NewTermQuery(c.Name + pairSep + c.Value)
		t.SetField(fPairs)
		must = append(must, t)
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery()
	}
	return bleve.NewConjunctionQuery(must...)
}

// Mixed returns query i of the benchmark's mix: text only, text + filters, filters only,
// browse everything, with facets always on.
func Mixed(i int) Query {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	words := []string{"fiber", "mobile", "unlimited", "streaming", "max", "secure", "roaming", "family", "pro", "router"}
	f := func(v float64) *float64 { return &v }
	switch i % 4 {
	case 0:
		return Query{Text: words[r.IntN(len(words))], Limit: 20}
	case 1:
		lo := float64(r.IntN(100))
		return Query{Text: words[r.IntN(len(words))] + " " + words[r.IntN(len(words))], Min: f(lo), Max: f(lo + 50),
			Channel: channels[r.IntN(len(channels))], Limit: 20}
	case 2:
		k := r.IntN(len(charNames))
		return Query{Pairs: []Char{{Name: charNames[k], Value: charVals[k][r.IntN(len(charVals[k]))]}},
			Channel: channels[r.IntN(len(channels))], SortByName: true, Limit: 20}
	default:
		return Query{Limit: 20}
	}
}
