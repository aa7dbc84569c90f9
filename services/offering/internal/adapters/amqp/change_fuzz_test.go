package amqp_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

// FuzzChange feeds arbitrary price and specification events to the replica mapping: no
// panic; events of other topics are ignored without error; an accepted change is of the
// event's kind, names the envelope's UUID entity, version (>= 1) and event id, and is a
// deletion exactly when the type says so.
func FuzzChange(f *testing.F) {
	const id = "9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d"
	for _, s := range [][2]string{
		{"PriceCreated", id}, {"PriceDeleted", id}, {"SpecificationUpdated", "{" + id + "}"},
		{"SpecificationDeleted", "x"}, {"OfferingPublished", "x"}, {"", ""}, {"Price", "urn:uuid:" + id},
	} {
		f.Add(s[0], s[1], int64(2))
	}
	f.Add("PriceUpdated", id, int64(0))
	f.Fuzz(func(t *testing.T, eventType, entityID string, version int64) {
		e := messaging.Envelope{EventID: "e-1", EventType: eventType, EntityID: entityID, EntityVersion: version}
		c, ok, err := amqp.Change(e)
		price, spec := strings.HasPrefix(eventType, "Price"), strings.HasPrefix(eventType, "Specification")
		switch {
		case !price && !spec:
			if ok || err != nil {
				t.Fatalf("%s not ignored: %v, %v", eventType, ok, err)
			}
			return
		case err != nil:
			if ok {
				t.Fatalf("%s: ok with error %v", eventType, err)
			}
			return
		case !ok:
			t.Fatalf("%s: neither applied nor refused", eventType)
		}
		want, perr := uuid.Parse(entityID)
		if perr != nil || c.ID != want || c.Version != version || version < 1 || c.EventID != e.EventID {
			t.Fatalf("%s %q v%d mapped to %+v", eventType, entityID, version, c)
		}
		if (price && c.Kind != app.ReplicaPrices) || (spec && c.Kind != app.ReplicaSpecifications) ||
			c.Deleted != strings.HasSuffix(eventType, "Deleted") {
			t.Fatalf("%s mapped to %+v", eventType, c)
		}
	})
}
