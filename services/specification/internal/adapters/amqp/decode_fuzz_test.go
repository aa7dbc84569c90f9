package amqp

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

const fuzzEntity = "9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d"

// checkEntity fails unless the decoded id and version are the envelope's.
func checkEntity(t *testing.T, e messaging.Envelope, id uuid.UUID, version int64) {
	t.Helper()
	if want, err := uuid.Parse(e.EntityID); err != nil || id != want || version != e.EntityVersion || version < 1 {
		t.Fatalf("decoded %s v%d from entity %q v%d", id, version, e.EntityID, e.EntityVersion)
	}
}

// FuzzDecodeCharacteristic feeds arbitrary characteristic events to the replica decoder: no
// panic; an accepted event names a UUID entity with a positive version, a live one has a name
// and a unit, and the replica survives a re-encode of its payload unchanged.
func FuzzDecodeCharacteristic(f *testing.F) {
	for _, s := range []string{
		`{"id":"` + fuzzEntity + `","name":"Speed","value":"100","unit_of_measure":"Mbps"}`,
		`{"name":"Speed"}`, `{"name":"","unit_of_measure":"Mbps"}`, `{"name":1}`, `null`, `{`, ``,
	} {
		f.Add(byte(0), fuzzEntity, int64(1), []byte(s))
		f.Add(byte(2), "not-a-uuid", int64(-1), []byte(s))
	}
	types := []string{CharacteristicCreated, CharacteristicUpdated, CharacteristicDeleted}
	f.Fuzz(func(t *testing.T, kind byte, entityID string, version int64, payload []byte) {
		e := messaging.Envelope{EventID: "e-1", EventType: types[int(kind)%len(types)], EntityID: entityID, EntityVersion: version, Payload: payload}
		c, err := decodeCharacteristic(e)
		if err != nil {
			return
		}
		checkEntity(t, e, c.ID, c.Version)
		if c.Deleted != (e.EventType == CharacteristicDeleted) || (!c.Deleted && (c.Name == "" || c.Unit == "")) {
			t.Fatalf("%s decoded as %+v", e.EventType, c)
		}
		e.Payload, _ = json.Marshal(characteristicPayload{Name: c.Name, Value: c.Value, UnitOfMeasure: c.Unit})
		if again, err := decodeCharacteristic(e); err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip through %s: %+v, %v; want %+v", e.Payload, again, err, c)
		}
	})
}

// FuzzDecodeOffering feeds arbitrary offering events to the reference decoder: no panic; an
// accepted event names a UUID entity with a positive version and a known lifecycle status,
// and the reference survives a re-encode of its payload unchanged.
func FuzzDecodeOffering(f *testing.F) {
	for _, s := range []string{
		`{"lifecycle_status":"PUBLISHED","specification_ids":["7c9e6679-7425-40de-944b-e07fc1f90ae7"]}`,
		`{"lifecycle_status":"published"}`, `{"lifecycle_status":""}`, `{"specification_ids":["x"]}`,
		`{"lifecycle_status":"DRAFT","specification_ids":null}`, `{"lifecycle_status":7}`, `[]`, ``,
	} {
		f.Add("OfferingPublished", fuzzEntity, int64(3), []byte(s))
		f.Add(OfferingDeleted, fuzzEntity, int64(4), []byte(s))
	}
	f.Fuzz(func(t *testing.T, eventType, entityID string, version int64, payload []byte) {
		e := messaging.Envelope{EventID: "e-1", EventType: eventType, EntityID: entityID, EntityVersion: version, Payload: payload}
		ref, err := decodeOffering(e)
		if err != nil {
			return
		}
		checkEntity(t, e, ref.OfferingID, ref.Version)
		if ref.Deleted != (eventType == OfferingDeleted) {
			t.Fatalf("%s decoded with Deleted=%v", eventType, ref.Deleted)
		}
		if _, err := domain.ParseLifecycleStatus(string(ref.Status)); err != nil {
			t.Fatalf("accepted status %q", ref.Status)
		}
		if ref.Deleted {
			return
		}
		ids := make([]string, len(ref.SpecificationIDs))
		for i, s := range ref.SpecificationIDs {
			ids[i] = s.String()
		}
		e.Payload, _ = json.Marshal(offeringPayload{LifecycleStatus: string(ref.Status), SpecificationIDs: ids})
		if again, err := decodeOffering(e); err != nil || !reflect.DeepEqual(again, ref) {
			t.Fatalf("round trip through %s: %+v, %v; want %+v", e.Payload, again, err, ref)
		}
	})
}
