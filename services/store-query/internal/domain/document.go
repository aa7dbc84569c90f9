package domain

import (
	"math"
	"strings"
	"time"
)

// Document is the denormalised store entry of one offering: everything a shopper sees, built
// from the replicas only. Visible becomes true when the offering is PUBLISHED.
type Document struct {
	ID             string
	Name           string
	Description    string
	Specifications []DocSpecification
	Pricing        []DocPrice
	SalesChannels  []string
	PublishedAt    *time.Time
	Status         LifecycleStatus
	Visible        bool
	Versions       Versions
	// Revision counts the writes of this document (optimistic concurrency in the store).
	Revision int64
}

// DocSpecification is a specification inside a document, with its characteristics expanded.
type DocSpecification struct {
	ID              string
	Name            string
	Characteristics []DocCharacteristic
}

// DocCharacteristic is a characteristic inside a document.
type DocCharacteristic struct {
	ID    string
	Name  string
	Value string
	Unit  string
}

// DocPrice is a price inside a document.
type DocPrice struct {
	ID       string
	Name     string
	Value    float64
	Unit     string
	Currency string
}

// Versions records the entity versions a document was built from.
type Versions struct {
	Offering        int64
	Specifications  map[string]int64
	Characteristics map[string]int64
	Prices          map[string]int64
}

// Sources are the replicas a document is built from, looked up by id.
type Sources struct {
	Specifications  map[string]Specification
	Characteristics map[string]Characteristic
	Prices          map[string]Price
}

// Build makes the document of offering o from the replicas in src. It fails with a
// *MissingReplicaError when any referenced entity is absent or deleted, so a partial
// document is never produced.
func Build(o Offering, src Sources) (Document, error) {
	d := Document{
		ID: o.ID, Name: o.Name, Description: o.Description,
		SalesChannels: append([]string{}, o.SalesChannels...),
		PublishedAt:   o.PublishedAt, Status: o.Status, Visible: o.Status == StatusPublished,
		Versions: Versions{
			Offering: o.Version, Specifications: map[string]int64{},
			Characteristics: map[string]int64{}, Prices: map[string]int64{},
		},
	}
	for _, sid := range o.SpecificationIDs {
		s, ok := src.Specifications[sid]
		if !ok || s.Deleted {
			return Document{}, &MissingReplicaError{Kind: KindSpecification, ID: sid}
		}
		ds := DocSpecification{ID: s.ID, Name: s.Name, Characteristics: []DocCharacteristic{}}
		for _, cid := range s.CharacteristicIDs {
			c, ok := src.Characteristics[cid]
			if !ok || c.Deleted {
				return Document{}, &MissingReplicaError{Kind: KindCharacteristic, ID: cid}
			}
			ds.Characteristics = append(ds.Characteristics, DocCharacteristic{ID: c.ID, Name: c.Name, Value: c.Value, Unit: c.Unit})
			d.Versions.Characteristics[c.ID] = c.Version
		}
		d.Specifications = append(d.Specifications, ds)
		d.Versions.Specifications[s.ID] = s.Version
	}
	for _, pid := range o.PricingIDs {
		p, ok := src.Prices[pid]
		if !ok || p.Deleted {
			return Document{}, &MissingReplicaError{Kind: KindPrice, ID: pid}
		}
		d.Pricing = append(d.Pricing, DocPrice{ID: p.ID, Name: p.Name, Value: p.Value, Unit: p.Unit, Currency: p.Currency})
		d.Versions.Prices[p.ID] = p.Version
	}
	if d.Specifications == nil {
		d.Specifications = []DocSpecification{}
	}
	if d.Pricing == nil {
		d.Pricing = []DocPrice{}
	}
	return d, nil
}

// SpecificationIDs lists the ids of the document's specifications.
func (d Document) SpecificationIDs() []string {
	out := make([]string, 0, len(d.Specifications))
	for _, s := range d.Specifications {
		out = append(out, s.ID)
	}
	return out
}

// CharacteristicIDs lists the distinct ids of the document's characteristics.
func (d Document) CharacteristicIDs() []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range d.Specifications {
		for _, c := range s.Characteristics {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c.ID)
			}
		}
	}
	return out
}

// PriceIDs lists the ids of the document's prices.
func (d Document) PriceIDs() []string {
	out := make([]string, 0, len(d.Pricing))
	for _, p := range d.Pricing {
		out = append(out, p.ID)
	}
	return out
}

// PriceFrom is the offering's lowest price value: the one price filters, price sorting and the
// price-range facet use. It is 0 for an offering without prices.
func (d Document) PriceFrom() float64 {
	if len(d.Pricing) == 0 {
		return 0
	}
	low := math.Inf(1)
	for _, p := range d.Pricing {
		low = min(low, p.Value)
	}
	return low
}

// CharacteristicPairs lists the document's distinct characteristic name/value pairs.
func (d Document) CharacteristicPairs() []CharacteristicFilter {
	seen := map[CharacteristicFilter]bool{}
	out := []CharacteristicFilter{}
	for _, s := range d.Specifications {
		for _, c := range s.Characteristics {
			p := CharacteristicFilter{Name: c.Name, Value: c.Value}
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// CharacteristicText joins the characteristic names, values and units for full-text search.
func (d Document) CharacteristicText() string {
	var b strings.Builder
	for _, s := range d.Specifications {
		for _, c := range s.Characteristics {
			b.WriteString(c.Value)
			b.WriteByte(' ')
			if c.Unit != "" && c.Unit != "NONE" {
				b.WriteString(c.Unit)
				b.WriteByte(' ')
			}
		}
	}
	return strings.TrimSpace(b.String())
}
