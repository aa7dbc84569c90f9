// Package amqp holds the characteristic service's event consumer: it learns which
// specifications reference which characteristics from resource.specifications.events.
package amqp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"

	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

// Group is the consumer group (queue) name of this service.
const Group = "characteristic"

// Specification event types this consumer understands.
const (
	SpecificationCreated = "SpecificationCreated"
	SpecificationUpdated = "SpecificationUpdated"
	SpecificationDeleted = "SpecificationDeleted"
)

// Recorder is the use case the consumer drives.
type Recorder interface {
	RecordSpecification(ctx context.Context, group, eventID string, ref app.SpecificationRef) (bool, error)
}

// specificationPayload is the part of a specification event's payload this service needs.
type specificationPayload struct {
	CharacteristicIDs []string `json:"characteristic_ids"`
}

// Handler returns the messaging handler recording specification references.
func Handler(rec Recorder, log *slog.Logger) messaging.Handler {
	return func(ctx context.Context, e messaging.Envelope) error {
		switch e.EventType {
		case SpecificationCreated, SpecificationUpdated, SpecificationDeleted:
		default:
			log.DebugContext(ctx, "event type ignored", "event_id", e.EventID, "event_type", e.EventType)
			return nil
		}
		ref, err := decodeSpecificationEvent(e)
		if err != nil {
			return messaging.Permanent(err)
		}
		applied, err := rec.RecordSpecification(ctx, Group, e.EventID, ref)
		if err != nil {
			return err
		}
		log.DebugContext(ctx, "specification event handled", "event_id", e.EventID, "event_type", e.EventType,
			"specification_id", ref.SpecificationID, "version", ref.Version, "applied", applied)
		return nil
	}
}

// decodeSpecificationEvent turns an envelope into a reference change.
func decodeSpecificationEvent(e messaging.Envelope) (app.SpecificationRef, error) {
	id, err := uuid.Parse(e.EntityID)
	if err != nil {
		return app.SpecificationRef{}, fmt.Errorf("event %s: entity_id %q is not a UUID", e.EventID, e.EntityID)
	}
	if e.EntityVersion < 1 {
		return app.SpecificationRef{}, fmt.Errorf("event %s: entity_version %d is not positive", e.EventID, e.EntityVersion)
	}
	ref := app.SpecificationRef{SpecificationID: id, Version: e.EntityVersion}
	switch e.EventType {
	case SpecificationDeleted:
		ref.Deleted = true
		return ref, nil
	case SpecificationCreated, SpecificationUpdated:
	default:
		return app.SpecificationRef{}, fmt.Errorf("event %s: unknown event type %q", e.EventID, e.EventType)
	}
	var p specificationPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return app.SpecificationRef{}, fmt.Errorf("event %s: payload: %w", e.EventID, err)
	}
	ref.CharacteristicIDs = make([]uuid.UUID, 0, len(p.CharacteristicIDs))
	for _, s := range p.CharacteristicIDs {
		cid, err := uuid.Parse(s)
		if err != nil {
			return app.SpecificationRef{}, fmt.Errorf("event %s: characteristic id %q is not a UUID", e.EventID, s)
		}
		ref.CharacteristicIDs = append(ref.CharacteristicIDs, cid)
	}
	return ref, nil
}
