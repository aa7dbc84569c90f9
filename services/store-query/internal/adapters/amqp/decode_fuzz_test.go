package amqp_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

const fuzzEntity = "9b2f4b8e-4c1a-4e59-9d0e-6f1c2a3b4c5d"

// fuzzEnvelope is the envelope around a fuzzed payload. Its strings are valid UTF-8, as
// they are after messaging.DecodeEnvelope.
func fuzzEnvelope(eventType, entityID string, version int64, payload []byte) messaging.Envelope {
	return messaging.Envelope{
		EventID: "e-1", EventType: strings.ToValidUTF8(eventType, "\uFFFD"), SchemaVersion: 1,
		EntityID: strings.ToValidUTF8(entityID, "\uFFFD"), EntityVersion: version,
		OccurredAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), Payload: payload,
	}
}

// checkDecoded fails unless err is the poison error naming the event, or the decoded replica
// kept the envelope's entity id and version.
func checkDecoded(t *testing.T, e messaging.Envelope, err error, id string, version int64) bool {
	t.Helper()
	if err != nil {
		var invalid *domain.InvalidEventError
		if !errors.As(err, &invalid) || invalid.EventID != e.EventID {
			t.Fatalf("error %T %v is not an InvalidEventError for %s", err, err, e.EventID)
		}
		return false
	}
	if id != e.EntityID || version != e.EntityVersion {
		t.Fatalf("decoded %s v%d from envelope %s v%d", id, version, e.EntityID, e.EntityVersion)
	}
	return true
}

// roundTrip re-encodes a decoded replica as the event payload and decodes it again.
func roundTrip[T any](t *testing.T, e messaging.Envelope, payload any, decode func(messaging.Envelope) (T, error), first T) {
	t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatalf("re-encode %+v: %v", first, err)
	}
	e.Payload = raw
	again, err := decode(e)
	if err != nil || !reflect.DeepEqual(again, first) {
		t.Fatalf("round trip through %s: %+v, %v; want %+v", raw, again, err, first)
	}
}

func FuzzDecodeCharacteristic(f *testing.F) {
	for _, s := range []string{
		`{"id":"` + fuzzEntity + `","name":"Speed","value":"100","unit_of_measure":"MBPS"}`,
		`{"name":"Speed"}`, `{"id":"other"}`, `{"id":1}`, `null`, `[]`, `{`, `{"name":"\ud800"}`,
	} {
		f.Add(fuzzEntity, int64(3), []byte(s))
	}
	f.Fuzz(func(t *testing.T, entityID string, version int64, payload []byte) {
		e := fuzzEnvelope("CharacteristicUpdated", entityID, version, payload)
		c, err := amqp.DecodeCharacteristic(e)
		if !checkDecoded(t, e, err, c.ID, c.Version) {
			return
		}
		roundTrip(t, e, map[string]string{"id": c.ID, "name": c.Name, "value": c.Value, "unit_of_measure": c.Unit},
			amqp.DecodeCharacteristic, c)
	})
}

func FuzzDecodeSpecification(f *testing.F) {
	for _, s := range []string{
		`{"id":"` + fuzzEntity + `","name":"Fiber","characteristic_ids":["a","b"]}`,
		`{"characteristic_ids":null}`, `{"characteristic_ids":[]}`, `{"characteristic_ids":[1]}`,
		`{"characteristic_ids":"a"}`, `{"id":"x"}`, `true`, ``,
	} {
		f.Add(fuzzEntity, int64(1), []byte(s))
	}
	f.Fuzz(func(t *testing.T, entityID string, version int64, payload []byte) {
		e := fuzzEnvelope("SpecificationCreated", entityID, version, payload)
		s, err := amqp.DecodeSpecification(e)
		if !checkDecoded(t, e, err, s.ID, s.Version) {
			return
		}
		roundTrip(t, e, map[string]any{"id": s.ID, "name": s.Name, "characteristic_ids": s.CharacteristicIDs},
			amqp.DecodeSpecification, s)
	})
}

// FuzzDecodePrice also checks that an accepted value is a finite number: NaN or an infinity
// cannot be written back as JSON, so the store could not serve the offering's document.
func FuzzDecodePrice(f *testing.F) {
	for _, s := range []string{
		`{"id":"` + fuzzEntity + `","name":"Monthly","value":"19.99","unit":"MONTH","currency":"EUR"}`,
		`{"value":19.99}`, `{"value":null}`, `{"value":"abc"}`, `{"value":true}`, `{"value":{}}`,
		`{"value":"NaN"}`, `{"value":"Inf"}`, `{"value":1e400}`, `{"value":"0x1p-2"}`, `{"value":-0}`,
		`{"value":" 1"}`, `{"value":"1_0"}`,
	} {
		f.Add(fuzzEntity, int64(2), []byte(s))
	}
	f.Fuzz(func(t *testing.T, entityID string, version int64, payload []byte) {
		e := fuzzEnvelope("PriceUpdated", entityID, version, payload)
		p, err := amqp.DecodePrice(e)
		if !checkDecoded(t, e, err, p.ID, p.Version) {
			return
		}
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			t.Fatalf("accepted price value %v from %s", p.Value, payload)
		}
		roundTrip(t, e, map[string]any{"id": p.ID, "name": p.Name, "value": p.Value, "unit": p.Unit, "currency": p.Currency},
			amqp.DecodePrice, p)
	})
}

func FuzzDecodeOffering(f *testing.F) {
	for _, s := range []string{
		`{"id":"` + fuzzEntity + `","name":"Fiber","description":null,"specification_ids":["s"],"pricing_ids":["p"],"sales_channels":["web"],"lifecycle_status":"PUBLISHED","published_at":"2024-05-01T12:00:00.123456789+02:00"}`,
		`{"lifecycle_status":"DRAFT"}`, `{}`, `{"published_at":"yesterday"}`, `{"published_at":"0000-01-01T00:00:00Z"}`,
		`{"lifecycle_status":"PUBLISHED","published_at":null}`, `{"published_at":"9999-12-31T23:59:59-00:01"}`,
		`{"description":1}`, `{"sales_channels":[null]}`,
	} {
		f.Add("OfferingPublished", fuzzEntity, int64(4), []byte(s))
		f.Add("OfferingUpdated", fuzzEntity, int64(4), []byte(s))
	}
	f.Fuzz(func(t *testing.T, eventType, entityID string, version int64, payload []byte) {
		e := fuzzEnvelope(eventType, entityID, version, payload)
		o, err := amqp.DecodeOffering(e)
		if !checkDecoded(t, e, err, o.ID, o.Version) {
			return
		}
		if o.Status == domain.StatusPublished && o.PublishedAt == nil {
			t.Fatalf("a published offering without published_at from %s", payload)
		}
		roundTrip(t, e, map[string]any{
			"id": o.ID, "name": o.Name, "description": o.Description, "specification_ids": o.SpecificationIDs,
			"pricing_ids": o.PricingIDs, "sales_channels": o.SalesChannels, "lifecycle_status": o.Status,
			"published_at": o.PublishedAt,
		}, amqp.DecodeOffering, o)
	})
}
