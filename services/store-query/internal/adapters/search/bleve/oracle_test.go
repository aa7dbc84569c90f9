package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	store "github.com/tmfcatalog/platform/services/store-query/internal/adapters/search"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// oracleSearch is how the adapter searched before it kept columns: everything in one bleve
// request (its sort and facets read doc values). Filters get boost 0 so they match without
// scoring, as in the adapter now and in Elasticsearch's filter context.
func oracleSearch(ctx context.Context, idx bleve.Index, q domain.Query) (domain.Result, error) {
	var must []query.Query
	if text := strings.TrimSpace(q.Text); text != "" {
		must = append(must, textQuery(text))
	}
	if q.MinPrice != nil || q.MaxPrice != nil {
		inclusive := true
		r := bleve.NewNumericRangeInclusiveQuery(q.MinPrice, q.MaxPrice, &inclusive, &inclusive)
		r.SetField(fPrice)
		r.SetBoost(0)
		must = append(must, r)
	}
	term := func(field, v string) {
		t := bleve.NewTermQuery(v)
		t.SetField(field)
		t.SetBoost(0)
		must = append(must, t)
	}
	if q.Channel != "" {
		term(fChannels, q.Channel)
	}
	for _, c := range q.Characteristics {
		term(fPairs, domain.PairKey(c))
	}
	var bq query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		bq = bleve.NewConjunctionQuery(must...)
	}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, q.Skip, false)
	req.Fields = []string{fSource}
	req.SortBy(oracleSort(q.EffectiveSort()))
	req.AddFacet("channels", bleve.NewFacetRequest(fChannels, domain.FacetSize))
	req.AddFacet("pairs", bleve.NewFacetRequest(fPairs, pairFacetSize))
	prices := bleve.NewFacetRequest(fPrice, len(domain.PriceRanges))
	for _, r := range domain.PriceRanges {
		from := r.From
		prices.AddNumericRange(r.Key, &from, r.To)
	}
	req.AddFacet("prices", prices)
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return domain.Result{}, err
	}
	out := domain.Result{Total: int(res.Total), Items: make([]domain.Document, 0, len(res.Hits))}
	for _, h := range res.Hits {
		raw, _ := h.Fields[fSource].(string)
		d, err := store.DecodeSource([]byte(raw))
		if err != nil {
			return domain.Result{}, err
		}
		out.Items = append(out.Items, d)
	}
	out.Facets = oracleFacets(res)
	return out, nil
}

// textQuery is the full-text query the adapter used to run in bleve (text.go scores it).
func textQuery(text string) query.Query {
	match := func(field string, boost float64) query.Query {
		m := bleve.NewMatchQuery(text)
		m.SetField(field)
		m.SetBoost(boost)
		return m
	}
	return bleve.NewDisjunctionQuery(match(fName, boostName), match(fDescription, boostDescription), match(fCharText, boostCharText))
}

func oracleSort(s domain.Sort) []string {
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

func oracleFacets(res *bleve.SearchResult) domain.Facets {
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

var (
	oracleWords    = []string{"fiber", "mobile", "home", "max", "unlimited", "fast", "tv", "pro", "data", "1000", "5g", "the", "router"}
	oracleChannels = []string{"online", "retail", "partner", "telesales", "kiosk"}
	oracleChars    = [][2]string{{"Speed", "100"}, {"Speed", "1000"}, {"Data", "Unlimited"}, {"Data", "10"}, {"Technology", "5G"}, {"Technology", "FTTH"}}
)

// randomDocument is document i of a catalog full of ties: few prices, names (some differing
// only in case), dates (some missing), repeated channels and characteristics.
func randomDocument(r *rand.Rand, i int) domain.Document {
	words := func(n int) string {
		w := make([]string, n)
		for k := range w {
			w[k] = oracleWords[r.IntN(len(oracleWords))]
		}
		return strings.Join(w, " ")
	}
	name := words(1 + r.IntN(2))
	if r.IntN(3) == 0 {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	var chans []string
	for range r.IntN(4) {
		chans = append(chans, oracleChannels[r.IntN(len(oracleChannels))])
	}
	var specs []domain.DocSpecification
	for s := range r.IntN(3) {
		spec := domain.DocSpecification{ID: fmt.Sprintf("s%d-%d", i, s), Name: "spec", Characteristics: []domain.DocCharacteristic{}}
		for c := range r.IntN(3) {
			p := oracleChars[r.IntN(len(oracleChars))]
			spec.Characteristics = append(spec.Characteristics, domain.DocCharacteristic{ID: fmt.Sprintf("c%d-%d-%d", i, s, c), Name: p[0], Value: p[1], Unit: "NONE"})
		}
		specs = append(specs, spec)
	}
	var prices []domain.DocPrice
	for p := range r.IntN(3) {
		prices = append(prices, domain.DocPrice{ID: fmt.Sprintf("p%d-%d", i, p), Name: "monthly", Value: float64(r.IntN(12) * 25), Unit: "month", Currency: "EUR"})
	}
	d := domain.Document{
		ID: fmt.Sprintf("doc-%03d", r.IntN(1000)), Name: name, Description: words(r.IntN(6)), SalesChannels: chans,
		Specifications: specs, Pricing: prices, Status: domain.StatusPublished, Visible: true, Revision: int64(1 + r.IntN(3)),
	}
	if r.IntN(5) > 0 {
		t := time.Date(2026, 1, 1+r.IntN(10), 0, 0, 0, 0, time.UTC)
		d.PublishedAt = &t
	}
	return d
}

func randomQuery(r *rand.Rand) domain.Query {
	var q domain.Query
	if r.IntN(2) == 0 {
		q.Text = oracleWords[r.IntN(len(oracleWords))]
		if r.IntN(3) == 0 {
			q.Text += " " + oracleWords[r.IntN(len(oracleWords))]
		}
	}
	price := func() *float64 { v := float64(r.IntN(13)*25 - 10 + r.IntN(3)*10); return &v }
	if r.IntN(3) == 0 {
		q.MinPrice = price()
	}
	if r.IntN(3) == 0 {
		q.MaxPrice = price()
	}
	if r.IntN(3) == 0 {
		q.Channel = oracleChannels[r.IntN(len(oracleChannels))]
	}
	for range r.IntN(3) / 2 * (1 + r.IntN(2)) {
		p := oracleChars[r.IntN(len(oracleChars))]
		q.Characteristics = append(q.Characteristics, domain.CharacteristicFilter{Name: p[0], Value: p[1]})
	}
	q.Sort = []domain.Sort{domain.SortRelevance, domain.SortPriceAsc, domain.SortPriceDesc, domain.SortName, domain.SortNewest}[r.IntN(5)]
	q.Skip, q.Limit = r.IntN(4)*7, r.IntN(26)
	return q
}

func TestSearchAnswersAsBleveItselfWould(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := rand.New(rand.NewPCG(13, 1))
	compare := func(round int) {
		t.Helper()
		for n := range 150 {
			q := randomQuery(r)
			got, err := x.Search(ctx, q)
			if err != nil {
				t.Fatalf("round %d query %d %+v: %v", round, n, q, err)
			}
			want, err := oracleSearch(ctx, x.idx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d query %d %+v:\n got  %d %v %+v\n want %d %v %+v", round, n, q,
					got.Total, docIDs(got), got.Facets, want.Total, docIDs(want), want.Facets)
			}
		}
	}
	// Rounds of writes in between: new documents, replacements (same ids) and removals.
	for round := range 4 {
		var docs []domain.Document
		for i := range 150 {
			docs = append(docs, randomDocument(r, round*1000+i))
		}
		if err := x.Index(ctx, docs...); err != nil {
			t.Fatal(err)
		}
		var gone []string
		for range 20 {
			gone = append(gone, fmt.Sprintf("doc-%03d", r.IntN(1000)))
		}
		if err := x.Remove(ctx, gone...); err != nil {
			t.Fatal(err)
		}
		compare(round)
	}
}

func docIDs(r domain.Result) []string {
	out := make([]string, len(r.Items))
	for i, d := range r.Items {
		out[i] = d.ID
	}
	return out
}
