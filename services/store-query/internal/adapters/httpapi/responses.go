package httpapi

import (
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// offeringJSON is a store document as the API returns it (the reference's field names).
type offeringJSON struct {
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	Description     string              `json:"description"`
	Specifications  []specificationJSON `json:"specifications"`
	Pricing         []priceJSON         `json:"pricing"`
	SalesChannels   []string            `json:"sales_channels"`
	PublishedAt     *time.Time          `json:"published_at"`
	LifecycleStatus string              `json:"lifecycle_status"`
}

type specificationJSON struct {
	ID              string               `json:"id"`
	Name            string               `json:"name"`
	Characteristics []characteristicJSON `json:"characteristics"`
}

type characteristicJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

type priceJSON struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Currency string  `json:"currency"`
}

type searchJSON struct {
	Items  []offeringJSON `json:"items"`
	Total  int            `json:"total"`
	Skip   int            `json:"skip"`
	Limit  int            `json:"limit"`
	Sort   string         `json:"sort"`
	Facets facetsJSON     `json:"facets"`
}

type facetsJSON struct {
	PriceRanges     []rangeJSON     `json:"price_ranges"`
	Channels        []valueJSON     `json:"channels"`
	Characteristics []charFacetJSON `json:"characteristics"`
}

type rangeJSON struct {
	Key   string   `json:"key"`
	From  float64  `json:"from"`
	To    *float64 `json:"to"`
	Count int      `json:"count"`
}

type valueJSON struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type charFacetJSON struct {
	Name   string      `json:"name"`
	Values []valueJSON `json:"values"`
}

func toOffering(d domain.Document) offeringJSON {
	o := offeringJSON{
		ID: d.ID, Name: d.Name, Description: d.Description, SalesChannels: d.SalesChannels,
		PublishedAt: d.PublishedAt, LifecycleStatus: string(d.Status),
		Specifications: []specificationJSON{}, Pricing: []priceJSON{},
	}
	if o.SalesChannels == nil {
		o.SalesChannels = []string{}
	}
	for _, s := range d.Specifications {
		sj := specificationJSON{ID: s.ID, Name: s.Name, Characteristics: []characteristicJSON{}}
		for _, c := range s.Characteristics {
			sj.Characteristics = append(sj.Characteristics, characteristicJSON(c))
		}
		o.Specifications = append(o.Specifications, sj)
	}
	for _, p := range d.Pricing {
		o.Pricing = append(o.Pricing, priceJSON(p))
	}
	return o
}

func toOfferings(docs []domain.Document) []offeringJSON {
	out := make([]offeringJSON, 0, len(docs))
	for _, d := range docs {
		out = append(out, toOffering(d))
	}
	return out
}

func toSearch(q domain.Query, r domain.Result) searchJSON {
	f := facetsJSON{PriceRanges: []rangeJSON{}, Channels: []valueJSON{}, Characteristics: []charFacetJSON{}}
	for _, pr := range r.Facets.PriceRanges {
		f.PriceRanges = append(f.PriceRanges, rangeJSON(pr))
	}
	for _, c := range r.Facets.Channels {
		f.Channels = append(f.Channels, valueJSON(c))
	}
	for _, c := range r.Facets.Characteristics {
		cf := charFacetJSON{Name: c.Name, Values: []valueJSON{}}
		for _, v := range c.Values {
			cf.Values = append(cf.Values, valueJSON(v))
		}
		f.Characteristics = append(f.Characteristics, cf)
	}
	return searchJSON{
		Items: toOfferings(r.Items), Total: r.Total, Skip: q.Skip, Limit: q.Limit,
		Sort: string(q.EffectiveSort()), Facets: f,
	}
}
