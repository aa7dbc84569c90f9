// Package amqp holds the specification service's event consumer: it replicates
// characteristics from resource.characteristics.events and learns offering states from
// product.offering.events, both through the consumer group "specification".
package amqp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// Group is the consumer group (queue) name of this service.
const Group = "specification"

// Characteristic event types.
const (
	CharacteristicCreated = "CharacteristicCreated"
	CharacteristicUpdated = "CharacteristicUpdated"
	CharacteristicDeleted = "CharacteristicDeleted"
)

// OfferingDeleted is the offering event type that removes an offering; every other
// "Offering*" event carries the offering's read shape with its current state.
const OfferingDeleted = "OfferingDeleted"

// Bindings are the topics and routing keys the consumer group listens to.
var Bindings = map[string][]string{
	messaging.TopicCharacteristics: {"#"},
	messaging.TopicOfferings:       {"#"},
}

// UseCases are the use cases the consumer drives.
type UseCases interface {
	ReplicateCharacteristic(ctx context.Context, group, eventID string, c domain.Characteristic) (bool, error)
	RecordOffering(ctx context.Context, group, eventID string, ref domain.OfferingRef) (bool, error)
}

// Handler returns the messaging handler for both topics, dispatching on the event type.
// Undecodable events are permanent failures (dead-lettered with the reason); unknown event
// types are acknowledged and ignored.
func Handler(uc UseCases, log *slog.Logger) messaging.Handler {
	return func(ctx context.Context, e messaging.Envelope) error {
		var (
			applied bool
			err     error
		)
		switch {
		case e.EventType == CharacteristicCreated || e.EventType == CharacteristicUpdated || e.EventType == CharacteristicDeleted:
			c, derr := decodeCharacteristic(e)
			if derr != nil {
				return messaging.Permanent(derr)
			}
			applied, err = uc.ReplicateCharacteristic(ctx, Group, e.EventID, c)
		case strings.HasPrefix(e.EventType, "Offering"):
			ref, derr := decodeOffering(e)
			if derr != nil {
				return messaging.Permanent(derr)
			}
			applied, err = uc.RecordOffering(ctx, Group, e.EventID, ref)
		default:
			log.DebugContext(ctx, "event type ignored", "event_id", e.EventID, "event_type", e.EventType)
			return nil
		}
		if err != nil {
			return err
		}
		log.DebugContext(ctx, "event handled", "event_id", e.EventID, "event_type", e.EventType,
			"entity_id", e.EntityID, "entity_version", e.EntityVersion, "applied", applied)
		return nil
	}
}

func entity(e messaging.Envelope) (uuid.UUID, error) {
	id, err := uuid.Parse(e.EntityID)
	if err != nil {
		return uuid.Nil, fmt.Errorf("event %s: entity_id %q is not a UUID", e.EventID, e.EntityID)
	}
	if e.EntityVersion < 1 {
		return uuid.Nil, fmt.Errorf("event %s: entity_version %d is not positive", e.EventID, e.EntityVersion)
	}
	return id, nil
}

// characteristicPayload is the characteristic read shape carried by characteristic events.
type characteristicPayload struct {
	Name          string `json:"name"`
	Value         string `json:"value"`
	UnitOfMeasure string `json:"unit_of_measure"`
}

func decodeCharacteristic(e messaging.Envelope) (domain.Characteristic, error) {
	id, err := entity(e)
	if err != nil {
		return domain.Characteristic{}, err
	}
	var p characteristicPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return domain.Characteristic{}, fmt.Errorf("event %s: payload: %w", e.EventID, err)
	}
	deleted := e.EventType == CharacteristicDeleted
	if !deleted && (p.Name == "" || p.UnitOfMeasure == "") {
		return domain.Characteristic{}, fmt.Errorf("event %s: payload lacks name or unit_of_measure", e.EventID)
	}
	return domain.Characteristic{
		ID: id, Name: p.Name, Value: p.Value, Unit: p.UnitOfMeasure, Version: e.EntityVersion, Deleted: deleted,
	}, nil
}

// offeringPayload is the part of the offering read shape this service needs.
type offeringPayload struct {
	LifecycleStatus  string   `json:"lifecycle_status"`
	SpecificationIDs []string `json:"specification_ids"`
}

func decodeOffering(e messaging.Envelope) (domain.OfferingRef, error) {
	id, err := entity(e)
	if err != nil {
		return domain.OfferingRef{}, err
	}
	ref := domain.OfferingRef{OfferingID: id, Version: e.EntityVersion, Status: domain.StatusDraft}
	if e.EventType == OfferingDeleted {
		ref.Deleted = true
		return ref, nil
	}
	var p offeringPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return domain.OfferingRef{}, fmt.Errorf("event %s: payload: %w", e.EventID, err)
	}
	ref.Status, err = domain.ParseLifecycleStatus(p.LifecycleStatus)
	if err != nil {
		return domain.OfferingRef{}, fmt.Errorf("event %s: %w", e.EventID, err)
	}
	for _, s := range p.SpecificationIDs {
		sid, err := uuid.Parse(s)
		if err != nil {
			return domain.OfferingRef{}, fmt.Errorf("event %s: specification id %q is not a UUID", e.EventID, s)
		}
		ref.SpecificationIDs = append(ref.SpecificationIDs, sid)
	}
	return ref, nil
}
