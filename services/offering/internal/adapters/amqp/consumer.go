// Package amqp keeps the local replicas of price and specification ids from their services' events.
package amqp

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

// NewConsumer returns the "offering" consumer of commercial.pricing.events and resource.specifications.events.
func NewConsumer(conn *messaging.Connection, topo messaging.Topology, svc *app.Service, log *slog.Logger) *messaging.Consumer {
	cfg := messaging.ConsumerConfig{
		Group: app.ConsumerGroup,
		Bindings: map[string][]string{
			messaging.TopicPricing:        {"#"},
			messaging.TopicSpecifications: {"#"},
		},
		Topology: topo,
	}
	return messaging.NewConsumer(conn, cfg, Handler(svc), log)
}

// Change maps an event to a replica change; ok is false for events the replicas ignore.
func Change(e messaging.Envelope) (c app.ReplicaChange, ok bool, err error) {
	switch {
	case strings.HasPrefix(e.EventType, "Price"):
		c.Kind = app.ReplicaPrices
	case strings.HasPrefix(e.EventType, "Specification"):
		c.Kind = app.ReplicaSpecifications
	default:
		return app.ReplicaChange{}, false, nil
	}
	id, err := uuid.Parse(e.EntityID)
	if err != nil {
		return app.ReplicaChange{}, false, fmt.Errorf("%s event %s: entity_id %q is not a UUID", e.EventType, e.EventID, e.EntityID)
	}
	// Versions start at 1; a 0 would be "older" than every replica and silently ignored.
	if e.EntityVersion < 1 {
		return app.ReplicaChange{}, false, fmt.Errorf("%s event %s: entity_version %d is not a version (they start at 1)", e.EventType, e.EventID, e.EntityVersion)
	}
	c.EventID, c.ID, c.Version = e.EventID, id, e.EntityVersion
	c.Deleted = strings.HasSuffix(e.EventType, "Deleted")
	return c, true, nil
}

// Handler applies price and specification events to the replicas (idempotent, version-aware).
func Handler(svc *app.Service) messaging.Handler {
	return func(ctx context.Context, e messaging.Envelope) error {
		c, ok, err := Change(e)
		if err != nil {
			return messaging.Permanent(err)
		}
		if !ok {
			return nil
		}
		return svc.ApplyReplica(ctx, c)
	}
}
