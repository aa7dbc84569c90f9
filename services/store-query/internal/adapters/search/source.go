// Package search holds what the search adapters share: the JSON form of a store document kept
// inside the index (so a hit needs no store lookup) and its conversion.
package search

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Source is the stored JSON of one document (field names as the API returns them).
type Source struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	Specifications []SourceSpec    `json:"specifications"`
	Pricing        []SourcePrice   `json:"pricing"`
	SalesChannels  []string        `json:"sales_channels"`
	PublishedAt    *time.Time      `json:"published_at"`
	Status         string          `json:"lifecycle_status"`
	Revision       int64           `json:"revision"`
	Versions       domain.Versions `json:"versions"`
}

// SourceSpec is a specification in a Source.
type SourceSpec struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Characteristics []SourceChar `json:"characteristics"`
}

// SourceChar is a characteristic in a Source.
type SourceChar struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

// SourcePrice is a price in a Source.
type SourcePrice struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Currency string  `json:"currency"`
}

// ToSource converts a document.
func ToSource(d domain.Document) Source {
	s := Source{
		ID: d.ID, Name: d.Name, Description: d.Description, SalesChannels: d.SalesChannels,
		PublishedAt: d.PublishedAt, Status: string(d.Status), Revision: d.Revision, Versions: d.Versions,
		Specifications: []SourceSpec{}, Pricing: []SourcePrice{},
	}
	if s.SalesChannels == nil {
		s.SalesChannels = []string{}
	}
	for _, sp := range d.Specifications {
		ss := SourceSpec{ID: sp.ID, Name: sp.Name, Characteristics: []SourceChar{}}
		for _, c := range sp.Characteristics {
			ss.Characteristics = append(ss.Characteristics, SourceChar(c))
		}
		s.Specifications = append(s.Specifications, ss)
	}
	for _, p := range d.Pricing {
		s.Pricing = append(s.Pricing, SourcePrice(p))
	}
	return s
}

// FromSource converts back to a (visible) document.
func FromSource(s Source) domain.Document {
	d := domain.Document{
		ID: s.ID, Name: s.Name, Description: s.Description, SalesChannels: s.SalesChannels,
		PublishedAt: s.PublishedAt, Status: domain.LifecycleStatus(s.Status), Visible: true,
		Revision: s.Revision, Versions: s.Versions,
		Specifications: []domain.DocSpecification{}, Pricing: []domain.DocPrice{},
	}
	if d.SalesChannels == nil {
		d.SalesChannels = []string{}
	}
	for _, sp := range s.Specifications {
		ds := domain.DocSpecification{ID: sp.ID, Name: sp.Name, Characteristics: []domain.DocCharacteristic{}}
		for _, c := range sp.Characteristics {
			ds.Characteristics = append(ds.Characteristics, domain.DocCharacteristic(c))
		}
		d.Specifications = append(d.Specifications, ds)
	}
	for _, p := range s.Pricing {
		d.Pricing = append(d.Pricing, domain.DocPrice(p))
	}
	return d
}

// DecodeSource parses stored JSON.
func DecodeSource(b []byte) (domain.Document, error) {
	var s Source
	if err := json.Unmarshal(b, &s); err != nil {
		return domain.Document{}, fmt.Errorf("decode stored document: %w", err)
	}
	return FromSource(s), nil
}
