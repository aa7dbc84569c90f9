package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

// ErrInvalidEvent is wrapped by Add when an event lacks a required field or its payload cannot
// be marshalled to a JSON value.
var ErrInvalidEvent = errors.New("invalid outbox event")

// Event is one domain event to append to the outbox.
type Event struct {
	// Topic is the logical topic, one of the messaging.Topic* constants.
	Topic string
	// EventType names the event ("CharacteristicCreated"); it is the default routing key.
	EventType string
	// EntityID is the aggregate's id.
	EntityID string
	// EntityVersion is the aggregate's version after the change (its version column).
	EntityVersion int64
	// Payload is marshalled to JSON (json.RawMessage and []byte are taken as they are).
	Payload any

	// RoutingKey overrides the routing key (default EventType).
	RoutingKey string
	// SchemaVersion of the payload (default 1).
	SchemaVersion int
	// EventID presets the event id (a UUID); default a new random UUID.
	EventID string
	// OccurredAt defaults to the time of the call.
	OccurredAt time.Time
}

// storedHeaders is the layout of the outbox.headers column.
type storedHeaders struct {
	CorrelationID string            `json:"correlation_id,omitempty"`
	TraceContext  map[string]string `json:"trace_context,omitempty"`
}

// Add appends events to the outbox inside the caller's transaction tx, so they are published if
// and only if tx commits. It fills event_id, occurred_at, the correlation id from ctx and the
// trace context (OpenTelemetry propagator) of ctx. Events of one call keep their order.
func Add(ctx context.Context, tx pgx.Tx, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	headers, err := json.Marshal(storedHeaders{CorrelationID: correlation.FromContext(ctx), TraceContext: carrier})
	if err != nil {
		return fmt.Errorf("outbox headers: %w", err)
	}
	now := time.Now().UTC()
	n := len(events)
	var (
		ids       = make([]string, n)
		topics    = make([]string, n)
		keys      = make([]string, n)
		types     = make([]string, n)
		schemas   = make([]int32, n)
		entities  = make([]string, n)
		versions  = make([]int64, n)
		payloads  = make([]string, n)
		hdrs      = make([]string, n)
		occurreds = make([]time.Time, n)
	)
	for i, e := range events {
		payload, err := e.validate()
		if err != nil {
			return fmt.Errorf("outbox event %d (%s %s): %w", i, e.EventType, e.EntityID, err)
		}
		ids[i] = e.EventID
		if ids[i] == "" {
			ids[i] = uuid.NewString()
		}
		topics[i], types[i], entities[i], versions[i] = e.Topic, e.EventType, e.EntityID, e.EntityVersion
		keys[i] = e.RoutingKey
		if keys[i] == "" {
			keys[i] = e.EventType
		}
		schemas[i] = int32(max(e.SchemaVersion, 1))
		payloads[i], hdrs[i] = string(payload), string(headers)
		occurreds[i] = e.OccurredAt
		if occurreds[i].IsZero() {
			occurreds[i] = now
		}
	}
	_, err = tx.Exec(ctx, `
INSERT INTO outbox (event_id, topic, routing_key, event_type, schema_version, entity_id, entity_version, payload, headers, occurred_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::text[], $7::int8[], $8::jsonb[], $9::jsonb[], $10::timestamptz[])`,
		ids, topics, keys, types, schemas, entities, versions, payloads, hdrs, occurreds)
	if err != nil {
		return fmt.Errorf("insert %d outbox events: %w", n, err)
	}
	return nil
}

func (e Event) validate() ([]byte, error) {
	switch {
	case e.Topic == "":
		return nil, fmt.Errorf("%w: topic is required", ErrInvalidEvent)
	case e.EventType == "":
		return nil, fmt.Errorf("%w: event type is required", ErrInvalidEvent)
	case e.EntityID == "":
		return nil, fmt.Errorf("%w: entity id is required", ErrInvalidEvent)
	case e.EntityVersion < 0:
		return nil, fmt.Errorf("%w: entity version must be >= 0", ErrInvalidEvent)
	case e.SchemaVersion < 0:
		return nil, fmt.Errorf("%w: schema version must be >= 1", ErrInvalidEvent)
	}
	if e.EventID != "" && uuid.Validate(e.EventID) != nil {
		return nil, fmt.Errorf("%w: event id %q is not a UUID", ErrInvalidEvent, e.EventID)
	}
	var payload []byte
	switch p := e.Payload.(type) {
	case json.RawMessage:
		payload = p
	case []byte:
		payload = p
	default:
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("%w: marshal payload: %v", ErrInvalidEvent, err)
		}
		payload = b
	}
	if !json.Valid(payload) || string(payload) == "null" {
		return nil, fmt.Errorf("%w: payload must be a JSON value other than null", ErrInvalidEvent)
	}
	return payload, nil
}
