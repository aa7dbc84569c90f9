// Package amqp is the store's inbound event adapter: it decodes the write services' events
// (payload = the entity's API read shape) into domain replicas and hands them to the projector.
package amqp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Group is the store's consumer group (its durable queue name before the namespace).
const Group = "store-query"

// Bindings subscribes the store to every event of the four topics.
func Bindings() map[string][]string {
	return map[string][]string{
		messaging.TopicCharacteristics: {"#"},
		messaging.TopicSpecifications:  {"#"},
		messaging.TopicPricing:         {"#"},
		messaging.TopicOfferings:       {"#"},
	}
}

// Projector is the use case port the handler drives.
type Projector interface {
	ApplyCharacteristic(ctx context.Context, c domain.Characteristic) error
	ApplySpecification(ctx context.Context, s domain.Specification) error
	ApplyPrice(ctx context.Context, p domain.Price) error
	ApplyOffering(ctx context.Context, o domain.Offering) error
}

// Handler returns the messaging handler: undecodable payloads go to the dead-letter queue at
// once (messaging.Permanent); everything else that fails is retried by the consumer.
func Handler(p Projector, log *slog.Logger) messaging.Handler {
	return func(ctx context.Context, e messaging.Envelope) error {
		err := dispatch(ctx, p, e)
		var invalid *domain.InvalidEventError
		if errors.As(err, &invalid) {
			return messaging.Permanent(err)
		}
		if err != nil {
			return err
		}
		log.DebugContext(ctx, "event applied", "event_id", e.EventID, "event_type", e.EventType,
			"entity_id", e.EntityID, "entity_version", e.EntityVersion)
		return nil
	}
}

func dispatch(ctx context.Context, p Projector, e messaging.Envelope) error {
	deleted := strings.HasSuffix(e.EventType, "Deleted")
	switch {
	case strings.HasPrefix(e.EventType, "Characteristic"):
		c, err := DecodeCharacteristic(e)
		if err != nil {
			return err
		}
		c.Deleted = deleted
		return p.ApplyCharacteristic(ctx, c)
	case strings.HasPrefix(e.EventType, "Specification"):
		s, err := DecodeSpecification(e)
		if err != nil {
			return err
		}
		s.Deleted = deleted
		return p.ApplySpecification(ctx, s)
	case strings.HasPrefix(e.EventType, "Price"):
		pr, err := DecodePrice(e)
		if err != nil {
			return err
		}
		pr.Deleted = deleted
		return p.ApplyPrice(ctx, pr)
	case strings.HasPrefix(e.EventType, "Offering"):
		o, err := DecodeOffering(e)
		if err != nil {
			return err
		}
		o.Deleted = deleted
		if e.EventType == "OfferingRetired" {
			o.Status = domain.StatusRetired
		}
		return p.ApplyOffering(ctx, o)
	}
	return nil // an event type the store does not use
}

func invalid(e messaging.Envelope, format string, args ...any) error {
	return &domain.InvalidEventError{EventID: e.EventID, Reason: fmt.Sprintf(format, args...)}
}

func decode(e messaging.Envelope, dst any) error {
	if err := json.Unmarshal(e.Payload, dst); err != nil {
		return invalid(e, "%s payload: %v", e.EventType, err)
	}
	return nil
}

// entityID is the envelope's entity id, which must agree with the payload's id when present.
func entityID(e messaging.Envelope, payloadID string) (string, error) {
	if payloadID != "" && payloadID != e.EntityID {
		return "", invalid(e, "payload id %q differs from entity_id %q", payloadID, e.EntityID)
	}
	return e.EntityID, nil
}

// DecodeCharacteristic reads a characteristic event.
func DecodeCharacteristic(e messaging.Envelope) (domain.Characteristic, error) {
	var p struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Value string `json:"value"`
		Unit  string `json:"unit_of_measure"`
	}
	if err := decode(e, &p); err != nil {
		return domain.Characteristic{}, err
	}
	id, err := entityID(e, p.ID)
	if err != nil {
		return domain.Characteristic{}, err
	}
	return domain.Characteristic{ID: id, Name: p.Name, Value: p.Value, Unit: p.Unit, Version: e.EntityVersion}, nil
}

// DecodeSpecification reads a specification event.
func DecodeSpecification(e messaging.Envelope) (domain.Specification, error) {
	var p struct {
		ID                string   `json:"id"`
		Name              string   `json:"name"`
		CharacteristicIDs []string `json:"characteristic_ids"`
	}
	if err := decode(e, &p); err != nil {
		return domain.Specification{}, err
	}
	id, err := entityID(e, p.ID)
	if err != nil {
		return domain.Specification{}, err
	}
	return domain.Specification{ID: id, Name: p.Name, CharacteristicIDs: p.CharacteristicIDs, Version: e.EntityVersion}, nil
}

// DecodePrice reads a price event; the value may be a JSON number or a decimal string.
func DecodePrice(e messaging.Envelope) (domain.Price, error) {
	var p struct {
		ID       string          `json:"id"`
		Name     string          `json:"name"`
		Value    json.RawMessage `json:"value"`
		Unit     string          `json:"unit"`
		Currency string          `json:"currency"`
	}
	if err := decode(e, &p); err != nil {
		return domain.Price{}, err
	}
	id, err := entityID(e, p.ID)
	if err != nil {
		return domain.Price{}, err
	}
	v, err := priceValue(p.Value)
	if err != nil {
		return domain.Price{}, invalid(e, "price value: %v", err)
	}
	return domain.Price{ID: id, Name: p.Name, Value: v, Unit: p.Unit, Currency: p.Currency, Version: e.EntityVersion}, nil
}

func priceValue(raw json.RawMessage) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return 0, nil
	}
	var s string
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
	} else {
		s = string(raw)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		// JSON cannot carry them: the store could never serve the offering's document again.
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return v, nil
}

// DecodeOffering reads an offering event.
func DecodeOffering(e messaging.Envelope) (domain.Offering, error) {
	var p struct {
		ID               string     `json:"id"`
		Name             string     `json:"name"`
		Description      *string    `json:"description"`
		SpecificationIDs []string   `json:"specification_ids"`
		PricingIDs       []string   `json:"pricing_ids"`
		SalesChannels    []string   `json:"sales_channels"`
		Status           string     `json:"lifecycle_status"`
		PublishedAt      *time.Time `json:"published_at"`
	}
	if err := decode(e, &p); err != nil {
		return domain.Offering{}, err
	}
	id, err := entityID(e, p.ID)
	if err != nil {
		return domain.Offering{}, err
	}
	o := domain.Offering{
		ID: id, Name: p.Name, SpecificationIDs: p.SpecificationIDs, PricingIDs: p.PricingIDs,
		SalesChannels: p.SalesChannels, Status: domain.LifecycleStatus(p.Status), Version: e.EntityVersion,
	}
	if p.Description != nil {
		o.Description = *p.Description
	}
	if p.PublishedAt != nil {
		t := p.PublishedAt.UTC()
		o.PublishedAt = &t
	}
	if e.EventType == "OfferingPublished" && o.Status == "" {
		o.Status = domain.StatusPublished
	}
	if o.Status == domain.StatusPublished && o.PublishedAt == nil {
		t := e.OccurredAt.UTC()
		o.PublishedAt = &t
	}
	if o.PublishedAt != nil && (o.PublishedAt.Year() < 0 || o.PublishedAt.Year() > 9999) {
		// RFC 3339, and so the store's JSON answers, cannot write such a time in UTC.
		return domain.Offering{}, invalid(e, "published_at %s is outside the years 0-9999 in UTC", o.PublishedAt)
	}
	return o, nil
}
