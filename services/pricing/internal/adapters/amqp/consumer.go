// Package amqp consumes other services' events: the offering retirements that release price holds.
package amqp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
)

// EventOfferingRetired is the routing key the pricing service binds on product.offering.events.
const EventOfferingRetired = "OfferingRetired"

// NewConsumer returns the "pricing" consumer of OfferingRetired events.
func NewConsumer(conn *messaging.Connection, topo messaging.Topology, svc *app.Service, log *slog.Logger) *messaging.Consumer {
	cfg := messaging.ConsumerConfig{
		Group:    app.ConsumerGroup,
		Bindings: map[string][]string{messaging.TopicOfferings: {EventOfferingRetired}},
		Topology: topo,
	}
	return messaging.NewConsumer(conn, cfg, Handler(svc), log)
}

// Handler releases the retired offering's holds; the use case records the event id in the same transaction.
func Handler(svc *app.Service) messaging.Handler {
	return func(ctx context.Context, e messaging.Envelope) error {
		if e.EventType != EventOfferingRetired {
			return nil
		}
		id, err := RetiredOffering(e)
		if err != nil {
			return err
		}
		return svc.ReleaseOffering(ctx, e.EventID, id)
	}
}

// RetiredOffering decodes the id of the offering an OfferingRetired event retires: the
// payload's id, or else the envelope's entity id. An event naming no valid id is permanent
// (messaging.Permanent): retrying cannot fix it.
func RetiredOffering(e messaging.Envelope) (uuid.UUID, error) {
	var payload struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(e.Payload, &payload); err != nil {
		return uuid.Nil, messaging.Permanent(fmt.Errorf("decode %s payload: %w", e.EventType, err))
	}
	id, err := uuid.Parse(payload.ID)
	if err != nil || id == uuid.Nil {
		id, err = uuid.Parse(e.EntityID)
	}
	if err != nil || id == uuid.Nil { // the nil UUID names no offering
		return uuid.Nil, messaging.Permanent(fmt.Errorf("%s event %s names no offering id", e.EventType, e.EventID))
	}
	return id, nil
}
