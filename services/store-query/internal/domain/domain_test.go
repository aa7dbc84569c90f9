package domain_test

import (
	"errors"
	"testing"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

func sources() (domain.Offering, domain.Sources) {
	o := domain.Offering{ID: "o", Name: "Plan", SpecificationIDs: []string{"s"}, PricingIDs: []string{"p1", "p2"},
		SalesChannels: []string{"online"}, Status: domain.StatusPublished, Version: 4}
	return o, domain.Sources{
		Specifications:  map[string]domain.Specification{"s": {ID: "s", Name: "Spec", CharacteristicIDs: []string{"c"}, Version: 2}},
		Characteristics: map[string]domain.Characteristic{"c": {ID: "c", Name: "Speed", Value: "100", Unit: "MBPS", Version: 7}},
		Prices: map[string]domain.Price{
			"p1": {ID: "p1", Value: 30, Version: 1}, "p2": {ID: "p2", Value: 12.5, Version: 3},
		},
	}
}

func TestBuildDenormalisesTheOffering(t *testing.T) {
	o, src := sources()
	d, err := domain.Build(o, src)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Visible || d.Specifications[0].Characteristics[0].Unit != "MBPS" || len(d.Pricing) != 2 {
		t.Fatalf("document = %+v", d)
	}
	if d.Versions.Offering != 4 || d.Versions.Characteristics["c"] != 7 || d.Versions.Prices["p2"] != 3 {
		t.Fatalf("versions = %+v", d.Versions)
	}
	if d.PriceFrom() != 12.5 {
		t.Fatalf("price from = %v, want the lowest price", d.PriceFrom())
	}
	if got := d.CharacteristicText(); got != "100 MBPS" {
		t.Fatalf("characteristic text = %q", got)
	}
}

func TestBuildRefusesPartialDocuments(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(*domain.Sources)
		kind  domain.EntityKind
	}{
		{"a missing specification", func(s *domain.Sources) { delete(s.Specifications, "s") }, domain.KindSpecification},
		{"a missing characteristic", func(s *domain.Sources) { delete(s.Characteristics, "c") }, domain.KindCharacteristic},
		{"a deleted price", func(s *domain.Sources) { p := s.Prices["p2"]; p.Deleted = true; s.Prices["p2"] = p }, domain.KindPrice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, src := sources()
			tt.spoil(&src)
			_, err := domain.Build(o, src)
			var missing *domain.MissingReplicaError
			if !errors.As(err, &missing) || missing.Kind != tt.kind {
				t.Fatalf("error = %v, want missing %s", err, tt.kind)
			}
		})
	}
}

func TestUnpublishedOfferingsBuildInvisibleDocuments(t *testing.T) {
	o, src := sources()
	o.Status = domain.StatusPublishing
	d, err := domain.Build(o, src)
	if err != nil || d.Visible {
		t.Fatalf("visible = %v, %v", d.Visible, err)
	}
}

func TestParseCharacteristicFilter(t *testing.T) {
	tests := []struct {
		in      string
		want    domain.CharacteristicFilter
		wantErr bool
	}{
		{"Speed:100", domain.CharacteristicFilter{Name: "Speed", Value: "100"}, false},
		{" Time : 10:30 ", domain.CharacteristicFilter{Name: "Time", Value: "10:30"}, false},
		{"Speed", domain.CharacteristicFilter{}, true},
		{":100", domain.CharacteristicFilter{}, true},
		{"Speed: ", domain.CharacteristicFilter{}, true},
	}
	for _, tt := range tests {
		t.Run("parsing "+tt.in, func(t *testing.T) {
			got, err := domain.ParseCharacteristicFilter(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestRelevanceWithoutTextMeansNewest(t *testing.T) {
	if s := (domain.Query{Sort: domain.SortRelevance}).EffectiveSort(); s != domain.SortNewest {
		t.Fatalf("sort = %s", s)
	}
	if s := (domain.Query{Sort: domain.SortRelevance, Text: "x"}).EffectiveSort(); s != domain.SortRelevance {
		t.Fatalf("sort = %s", s)
	}
	if _, err := domain.ParseSort("cheapest"); err == nil {
		t.Fatal("unknown sort accepted")
	}
}
