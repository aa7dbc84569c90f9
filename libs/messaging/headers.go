package messaging

import (
	"context"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// AMQP header names set on every event message.
const (
	HeaderCorrelationID = "x-correlation-id"
	HeaderEntityID      = "x-entity-id"
	HeaderEntityVersion = "x-entity-version"
	HeaderSchemaVersion = "x-schema-version"
	// HeaderAttempt counts deliveries made by the consumer's retry path (first delivery = 1).
	HeaderAttempt = "x-attempt"
	// Headers added when a message is dead-lettered by a consumer.
	HeaderDeadLetterReason = "x-dead-letter-reason"
	HeaderConsumerGroup    = "x-consumer-group"
	HeaderOriginalExchange = "x-original-exchange"
	HeaderOriginalRouting  = "x-original-routing-key"
	HeaderDeadLetteredAt   = "x-dead-lettered-at"
)

func toPublishing(e Envelope, body []byte, traceHeaders map[string]string) amqp.Publishing {
	h := amqp.Table{
		HeaderCorrelationID: e.CorrelationID,
		HeaderEntityID:      e.EntityID,
		HeaderEntityVersion: e.EntityVersion,
		HeaderSchemaVersion: int32(e.SchemaVersion),
	}
	for k, v := range traceHeaders {
		h[k] = v
	}
	return amqp.Publishing{
		ContentType:   ContentType,
		DeliveryMode:  amqp.Persistent,
		MessageId:     e.EventID,
		Type:          e.EventType,
		CorrelationId: e.CorrelationID,
		Timestamp:     e.OccurredAt.UTC().Truncate(time.Second),
		Headers:       h,
		Body:          body,
	}
}

// headerCarrier adapts AMQP headers to the OpenTelemetry text-map propagator.
type headerCarrier amqp.Table

func (c headerCarrier) Get(key string) string {
	if v, ok := c[key]; ok {
		switch s := v.(type) {
		case string:
			return s
		case []byte:
			return string(s)
		default:
			return fmt.Sprint(s)
		}
	}
	return ""
}

func (c headerCarrier) Set(key, value string) { c[key] = value }

func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// extractTrace puts the trace context of a delivery into ctx: the AMQP headers (the publish hop)
// win, the envelope's stored trace context is the fallback.
func extractTrace(ctx context.Context, headers amqp.Table, e Envelope) context.Context {
	prop := otel.GetTextMapPropagator()
	ctx = prop.Extract(ctx, propagation.MapCarrier(e.TraceContext))
	return prop.Extract(ctx, headerCarrier(headers))
}

func headerInt(h amqp.Table, key string) int {
	switch v := h[key].(type) {
	case int:
		return v
	case int8:
		return int(v)
	case int16:
		return int(v)
	case int32:
		return int(v)
	case int64:
		return int(v)
	case uint8:
		return int(v)
	case uint16:
		return int(v)
	case uint32:
		return int(v)
	}
	return 0
}
