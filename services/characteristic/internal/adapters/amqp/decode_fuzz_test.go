package amqp

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
)

// FuzzDecodeSpecificationEvent feeds arbitrary specification events to the reference
// decoder: no panic; an accepted event names a UUID entity with a positive version, keeps the
// deletion flag of its type, holds one UUID per payload id and survives a re-encode unchanged.
func FuzzDecodeSpecificationEvent(f *testing.F) {
	const id = "9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d"
	for _, s := range []string{
		`{"id":"` + id + `","characteristic_ids":["7c9e6679-7425-40de-944b-e07fc1f90ae7"]}`,
		`{"characteristic_ids":[]}`, `{"characteristic_ids":null}`, `{"characteristic_ids":["x"]}`,
		`{"characteristic_ids":[1]}`, `{"characteristic_ids":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}`,
		`null`, `{`, ``,
	} {
		f.Add(byte(0), id, int64(1), []byte(s))
		f.Add(byte(2), "{"+id+"}", int64(0), []byte(s))
	}
	types := []string{SpecificationCreated, SpecificationUpdated, SpecificationDeleted, "SpecificationPublished"}
	f.Fuzz(func(t *testing.T, kind byte, entityID string, version int64, payload []byte) {
		e := messaging.Envelope{EventID: "e-1", EventType: types[int(kind)%len(types)], EntityID: entityID, EntityVersion: version, Payload: payload}
		ref, err := decodeSpecificationEvent(e)
		if err != nil {
			return
		}
		if want, perr := uuid.Parse(entityID); perr != nil || ref.SpecificationID != want || ref.Version != version || version < 1 {
			t.Fatalf("decoded %+v from entity %q v%d", ref, entityID, version)
		}
		if ref.Deleted != (e.EventType == SpecificationDeleted) {
			t.Fatalf("%s decoded with Deleted=%v", e.EventType, ref.Deleted)
		}
		if ref.Deleted {
			return
		}
		ids := make([]string, len(ref.CharacteristicIDs))
		for i, c := range ref.CharacteristicIDs {
			ids[i] = c.String()
		}
		e.Payload, _ = json.Marshal(specificationPayload{CharacteristicIDs: ids})
		if again, err := decodeSpecificationEvent(e); err != nil || !reflect.DeepEqual(again, ref) {
			t.Fatalf("round trip through %s: %+v, %v; want %+v", e.Payload, again, err, ref)
		}
	})
}
