package storetest

import (
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Catalog is a small consistent set of replicas: one characteristic, one specification using
// it, one price and one offering using both.
type Catalog struct {
	Characteristic domain.Characteristic
	Specification  domain.Specification
	Price          domain.Price
	Offering       domain.Offering
}

// NewCatalog builds a catalog whose offering has the given name, price value and status.
func NewCatalog(name string, price float64, status domain.LifecycleStatus) Catalog {
	c := domain.Characteristic{ID: uuid.NewString(), Name: "Internet Speed", Value: "100", Unit: "MBPS", Version: 1}
	s := domain.Specification{ID: uuid.NewString(), Name: "Fiber Spec", CharacteristicIDs: []string{c.ID}, Version: 1}
	p := domain.Price{ID: uuid.NewString(), Name: "Monthly Fee", Value: price, Unit: "per month", Currency: "USD", Version: 1}
	o := domain.Offering{
		ID: uuid.NewString(), Name: name, Description: "An offering named " + name,
		SpecificationIDs: []string{s.ID}, PricingIDs: []string{p.ID}, SalesChannels: []string{"online"},
		Status: status, Version: 1,
	}
	if status == domain.StatusPublished {
		t := time.Now().UTC().Truncate(time.Millisecond)
		o.PublishedAt = &t
	}
	return Catalog{Characteristic: c, Specification: s, Price: p, Offering: o}
}
