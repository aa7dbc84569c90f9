package amqp_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/amqp"
)

// FuzzRetiredOffering: any payload and entity id either name one offering — the payload's id
// when it is a UUID, else the envelope's — or fail as permanent (dead-lettered, never retried).
func FuzzRetiredOffering(f *testing.F) {
	id := uuid.NewString()
	f.Add([]byte(`{"id":"`+id+`","name":"Fiber"}`), "")
	f.Add([]byte(`{"name":"no id"}`), id)
	f.Add([]byte(`{"id":42}`), id)
	f.Add([]byte(`not json`), id)
	f.Add([]byte(`{"id":"{`+id+`}"}`), "")
	f.Add([]byte(`null`), "urn:uuid:"+id)
	f.Fuzz(func(t *testing.T, payload []byte, entityID string) {
		e := messaging.Envelope{EventID: "e-1", EventType: amqp.EventOfferingRetired, EntityID: entityID, Payload: payload}
		got, err := amqp.RetiredOffering(e)
		if err != nil {
			if !messaging.IsPermanent(err) {
				t.Fatalf("error %v is not permanent: the event would be retried for nothing", err)
			}
			return
		}
		if got == uuid.Nil {
			t.Fatal("decoded the nil offering id")
		}
		var p struct {
			ID any `json:"id"`
		}
		_ = json.Unmarshal(payload, &p)
		if s, ok := p.ID.(string); ok {
			if fromPayload, err := uuid.Parse(s); err == nil && fromPayload != uuid.Nil && fromPayload != got {
				t.Fatalf("payload names %s, decoded %s", fromPayload, got)
			}
		}
	})
}
