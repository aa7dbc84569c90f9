package messaging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ErrMalformedEnvelope marks a message body that is not a valid event envelope. Such a message is
// poison: the consumer dead-letters it at once instead of retrying.
var ErrMalformedEnvelope = errors.New("malformed event envelope")

// ContentType is the AMQP content type of an encoded envelope.
const ContentType = "application/json"

// Envelope is the JSON document every event travels in (see docs/events.md).
type Envelope struct {
	// EventID is a UUID unique per event; consumers deduplicate on it.
	EventID string `json:"event_id"`
	// EventType names the event, e.g. "CharacteristicCreated"; it is also the routing key.
	EventType string `json:"event_type"`
	// SchemaVersion is the version of the payload schema for this event type (>= 1).
	SchemaVersion int `json:"schema_version"`
	// EntityID is the id of the aggregate the event is about.
	EntityID string `json:"entity_id"`
	// EntityVersion is the aggregate's version after the change, monotonic per entity.
	EntityVersion int64 `json:"entity_version"`
	// OccurredAt is when the change was made (serialised as RFC 3339 with nanoseconds).
	OccurredAt time.Time `json:"occurred_at"`
	// CorrelationID ties the event to the request that caused it.
	CorrelationID string `json:"correlation_id"`
	// TraceContext holds the propagated trace headers (traceparent, tracestate, b3...).
	TraceContext map[string]string `json:"trace_context"`
	// Payload is the entity as JSON, with the field names of the API's read schema.
	Payload json.RawMessage `json:"payload"`
}

// Encode marshals the envelope to JSON after checking it is complete.
func Encode(e Envelope) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if e.TraceContext == nil {
		e.TraceContext = map[string]string{}
	}
	e.OccurredAt = e.OccurredAt.UTC()
	// The payload is spliced in as it is: Validate has just checked it is JSON, and marshalling
	// it as a json.RawMessage would check and copy it a second time (a tenth of the relay's CPU).
	payload := bytes.TrimSpace(e.Payload)
	e.Payload = nil
	head, err := json.Marshal(envelopeHead{Envelope: e})
	if err != nil {
		return nil, fmt.Errorf("encode envelope %s: %w", e.EventID, err)
	}
	b := make([]byte, 0, len(head)+len(`,"payload":`)+len(payload))
	b = append(b, head[:len(head)-1]...) // without the closing brace
	b = append(b, `,"payload":`...)
	b = append(b, payload...)
	return append(b, '}'), nil
}

// envelopeHead is the envelope without its payload, for Encode: the shallower, always nil
// Payload field hides the embedded one and is omitted.
type envelopeHead struct {
	Envelope
	Payload *struct{} `json:"payload,omitempty"`
}

// DecodeEnvelope parses and validates an envelope. Unknown fields are tolerated so older
// consumers keep working when producers add fields. Every failure wraps ErrMalformedEnvelope.
func DecodeEnvelope(data []byte) (Envelope, error) {
	var e Envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&e); err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrMalformedEnvelope, err)
	}
	if dec.More() {
		return Envelope{}, fmt.Errorf("%w: trailing data after the envelope", ErrMalformedEnvelope)
	}
	if err := e.Validate(); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// Validate reports the first missing or invalid field, wrapped in ErrMalformedEnvelope.
func (e Envelope) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrMalformedEnvelope, fmt.Sprintf(format, args...))
	}
	switch {
	case e.EventID == "":
		return fail("event_id is required")
	case uuid.Validate(e.EventID) != nil:
		return fail("event_id %q is not a UUID", e.EventID)
	case e.EventType == "":
		return fail("event_type is required")
	case e.SchemaVersion < 1:
		return fail("schema_version must be >= 1, got %d", e.SchemaVersion)
	case e.EntityID == "":
		return fail("entity_id is required")
	case e.EntityVersion < 0:
		return fail("entity_version must be >= 0, got %d", e.EntityVersion)
	case e.OccurredAt.IsZero():
		return fail("occurred_at is required")
	case e.OccurredAt.Year() < 1 || e.OccurredAt.Year() > 9999:
		return fail("occurred_at year %d out of range", e.OccurredAt.Year())
	case len(bytes.TrimSpace(e.Payload)) == 0 || bytes.Equal(bytes.TrimSpace(e.Payload), []byte("null")):
		return fail("payload is required")
	case !json.Valid(e.Payload):
		return fail("payload is not valid JSON")
	}
	return nil
}
