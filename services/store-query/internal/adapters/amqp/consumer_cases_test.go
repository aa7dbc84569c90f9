package amqp_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

func TestPublishedOfferingIsBuiltFromReplicasAndIndexed(t *testing.T) {
	t.Parallel()
	h := start(t)
	c := storetest.NewCatalog("Fiber Home", 39.9, domain.StatusPublished)
	h.publishCatalog(c, true)
	d := h.doc(c.Offering.ID)
	if !d.Visible || d.Name != "Fiber Home" || d.Pricing[0].Value != 39.9 ||
		d.Specifications[0].Characteristics[0].Value != "100" || d.PublishedAt == nil {
		t.Fatalf("document = %+v", d)
	}
	if d.Versions.Offering != 3 || d.Versions.Prices[c.Price.ID] != 1 {
		t.Fatalf("versions = %+v", d.Versions)
	}
	eventually(t, "indexed", func() (bool, string) {
		ids := h.searchIDs(domain.Query{Text: "fiber"})
		return slices.Equal(ids, []string{c.Offering.ID}), fmt.Sprint(ids)
	})
}

func TestDuplicateEventHasOneEffect(t *testing.T) {
	t.Parallel()
	h := start(t)
	c := storetest.NewCatalog("Duplicate Plan", 10, domain.StatusPublished)
	h.publishCatalog(c, true)
	before := h.doc(c.Offering.ID).Revision

	p := c.Price
	p.Value, p.Version = 12, 2
	e := envelope("PriceUpdated", p.ID, 2, pricePayload(p))
	h.publish(e)
	h.publish(e) // the broker delivers the same event twice
	h.barrier()

	d := h.doc(c.Offering.ID)
	if d.Pricing[0].Value != 12 {
		t.Fatalf("price = %v, want 12", d.Pricing[0].Value)
	}
	if d.Revision != before+1 {
		t.Fatalf("document written %d times for one event, want once", d.Revision-before)
	}
}

func TestOlderVersionAfterNewerIsIgnored(t *testing.T) {
	t.Parallel()
	h := start(t)
	c := storetest.NewCatalog("Ordered Plan", 10, domain.StatusPublished)
	h.publishCatalog(c, true)

	newer, older := c.Characteristic, c.Characteristic
	newer.Value, newer.Version = "300", 3
	older.Value, older.Version = "200", 2
	h.publish(envelope("CharacteristicUpdated", newer.ID, 3, characteristicPayload(newer)))
	h.publish(envelope("CharacteristicUpdated", older.ID, 2, characteristicPayload(older)))
	h.barrier()

	d := h.doc(c.Offering.ID)
	if got := d.Specifications[0].Characteristics[0].Value; got != "300" {
		t.Fatalf("characteristic value = %q, want the newer 300", got)
	}
	if d.Versions.Characteristics[c.Characteristic.ID] != 3 {
		t.Fatalf("characteristic version = %d, want 3", d.Versions.Characteristics[c.Characteristic.ID])
	}
	if ids := h.searchIDs(domain.Query{Characteristics: []domain.CharacteristicFilter{{Name: "Internet Speed", Value: "200"}}}); len(ids) != 0 {
		t.Fatalf("search finds the stale value: %v", ids)
	}
}

func TestPriceUpdateRebuildsEveryDocumentUsingIt(t *testing.T) {
	t.Parallel()
	h := start(t)
	a := storetest.NewCatalog("Alpha Plan", 20, domain.StatusPublished)
	h.publishCatalog(a, true)
	b := a // shares characteristic, specification and price
	b.Offering.ID, b.Offering.Name = uuid.NewString(), "Beta Plan"
	h.publishCatalog(b, false)
	other := storetest.NewCatalog("Gamma Plan", 20, domain.StatusPublished)
	h.publishCatalog(other, true)

	p := a.Price
	p.Value, p.Version = 99, 2
	h.publish(envelope("PriceUpdated", p.ID, 2, pricePayload(p)))

	eventually(t, "both documents carry the new price", func() (bool, string) {
		da, db := h.doc(a.Offering.ID), h.doc(b.Offering.ID)
		return da.Pricing[0].Value == 99 && db.Pricing[0].Value == 99, fmt.Sprint(da.Pricing, db.Pricing)
	})
	eventually(t, "search finds both at the new price", func() (bool, string) {
		ids := h.searchIDs(domain.Query{MinPrice: ptr(90)})
		return slices.Equal(ids, []string{a.Offering.ID, b.Offering.ID}), fmt.Sprint(ids)
	})
	if got := h.doc(other.Offering.ID).Pricing[0].Value; got != 20 {
		t.Fatalf("an offering with another price changed to %v", got)
	}
}

func TestRetiredOfferingLeavesStoreAndSearch(t *testing.T) {
	t.Parallel()
	h := start(t)
	c := storetest.NewCatalog("Retiring Plan", 15, domain.StatusPublished)
	h.publishCatalog(c, true)
	eventually(t, "indexed", func() (bool, string) {
		ids := h.searchIDs(domain.Query{Text: "retiring"})
		return len(ids) == 1, fmt.Sprint(ids)
	})

	o := c.Offering
	o.Status, o.Version = domain.StatusRetired, 4
	h.publish(envelope("OfferingRetired", o.ID, 4, offeringPayload(o)))
	eventually(t, "gone from the store", func() (bool, string) {
		_, err := h.store.Get(context.Background(), o.ID)
		return errors.Is(err, domain.ErrNotFound), fmt.Sprint(err)
	})
	if ids := h.searchIDs(domain.Query{Text: "retiring"}); len(ids) != 0 {
		t.Fatalf("retired offering still found: %v", ids)
	}
	// A late, older event must not bring it back.
	o.Status, o.Version = domain.StatusPublished, 3
	h.publish(envelope("OfferingPublished", o.ID, 3, offeringPayload(o)))
	h.barrier()
	if _, err := h.store.Get(context.Background(), o.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("stale OfferingPublished resurrected the document: %v", err)
	}
}

func ptr(v float64) *float64 { return &v }
