package messaging

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func validEnvelope() Envelope {
	return Envelope{
		EventID: "3f1c2b8e-4a5d-4e6f-9a7b-1c2d3e4f5a6b", EventType: "CharacteristicCreated", SchemaVersion: 1,
		EntityID: "char-1", EntityVersion: 3, OccurredAt: time.Date(2026, 11, 30, 7, 0, 0, 123456789, time.UTC),
		CorrelationID: "corr-1", TraceContext: map[string]string{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
		Payload: json.RawMessage(`{"id":"char-1","name":"Speed"}`),
	}
}

func TestEnvelopeRoundTripKeepsEveryField(t *testing.T) {
	in := validEnvelope()
	b, err := Encode(in)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	out, err := DecodeEnvelope(b)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !out.OccurredAt.Equal(in.OccurredAt) {
		t.Errorf("occurred_at = %v, want %v", out.OccurredAt, in.OccurredAt)
	}
	out.OccurredAt, in.OccurredAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip changed the envelope:\n got %+v\nwant %+v", out, in)
	}
}

func TestEnvelopeUsesTheDocumentedJSONNames(t *testing.T) {
	b, err := Encode(validEnvelope())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"event_id", "event_type", "schema_version", "entity_id", "entity_version",
		"occurred_at", "correlation_id", "trace_context", "payload"} {
		if _, ok := m[k]; !ok {
			t.Errorf("encoded envelope lacks %q: %s", k, b)
		}
	}
	if got := string(m["occurred_at"]); got != `"2026-11-30T07:00:00.123456789Z"` {
		t.Errorf("occurred_at = %s, want RFC 3339 with nanoseconds in UTC", got)
	}
}

func TestDecodeEnvelopeRejectsBadInput(t *testing.T) {
	mutate := func(f func(*Envelope)) []byte {
		e := validEnvelope()
		f(&e)
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		body []byte
	}{
		{"empty body is rejected", []byte(``)},
		{"non-JSON body is rejected", []byte(`not json`)},
		{"a JSON array is rejected", []byte(`[1,2]`)},
		{"trailing data after the envelope is rejected", append(mutate(func(*Envelope) {}), []byte(` {}`)...)},
		{"missing event id is rejected", mutate(func(e *Envelope) { e.EventID = "" })},
		{"an event id that is not a UUID is rejected", mutate(func(e *Envelope) { e.EventID = "42" })},
		{"missing event type is rejected", mutate(func(e *Envelope) { e.EventType = "" })},
		{"schema version zero is rejected", mutate(func(e *Envelope) { e.SchemaVersion = 0 })},
		{"missing entity id is rejected", mutate(func(e *Envelope) { e.EntityID = "" })},
		{"negative entity version is rejected", mutate(func(e *Envelope) { e.EntityVersion = -1 })},
		{"missing occurred_at is rejected", mutate(func(e *Envelope) { e.OccurredAt = time.Time{} })},
		{"a null payload is rejected", mutate(func(e *Envelope) { e.Payload = json.RawMessage(`null`) })},
		{"a wrongly typed field is rejected", []byte(`{"event_id":"3f1c2b8e-4a5d-4e6f-9a7b-1c2d3e4f5a6b","event_type":"X","schema_version":"one"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEnvelope(tt.body)
			if !errors.Is(err, ErrMalformedEnvelope) {
				t.Fatalf("DecodeEnvelope(%s) error = %v, want ErrMalformedEnvelope", tt.body, err)
			}
		})
	}
}

func TestDecodeEnvelopeToleratesUnknownFields(t *testing.T) {
	b, _ := Encode(validEnvelope())
	b = append([]byte(`{"added_later":true,`), b[1:]...)
	if _, err := DecodeEnvelope(b); err != nil {
		t.Fatalf("unknown field rejected: %v", err)
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	b, _ := Encode(validEnvelope())
	f.Add(b)
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEnvelope(data)
		if err != nil {
			if !errors.Is(err, ErrMalformedEnvelope) {
				t.Fatalf("error does not wrap ErrMalformedEnvelope: %v", err)
			}
			return
		}
		// Whatever decodes must encode, and re-decode to the same thing.
		first, err := Encode(e)
		if err != nil {
			t.Fatalf("decoded envelope does not encode: %v", err)
		}
		again, err := DecodeEnvelope(first)
		if err != nil {
			t.Fatalf("encoded envelope does not decode: %v\n%s", err, first)
		}
		second, err := Encode(again)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if string(first) != string(second) {
			t.Fatalf("encoding is not stable:\n%s\n%s", first, second)
		}
	})
}

// Encode splices the payload in after the other fields: it must appear exactly once.
func TestEncodeWritesThePayloadOnce(t *testing.T) {
	b, err := Encode(validEnvelope())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"payload":`); n != 1 {
		t.Fatalf("payload key appears %d times in %s", n, b)
	}
}
