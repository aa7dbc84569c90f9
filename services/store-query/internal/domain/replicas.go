// Package domain holds the store's read model: the replicas of the write services' entities that
// the store keeps from their events, the denormalised store document built from them, and the
// search query and result types. It does no I/O.
package domain

import (
	"errors"
	"fmt"
	"time"
)

// EntityKind names the kind of entity a replica or an event is about.
type EntityKind string

// The entity kinds the store replicates.
const (
	KindCharacteristic EntityKind = "characteristic"
	KindSpecification  EntityKind = "specification"
	KindPrice          EntityKind = "price"
	KindOffering       EntityKind = "offering"
)

// Characteristic is the store's replica of one characteristic.
type Characteristic struct {
	ID      string
	Name    string
	Value   string
	Unit    string
	Version int64
	Deleted bool
}

// Specification is the store's replica of one specification.
type Specification struct {
	ID                string
	Name              string
	CharacteristicIDs []string
	Version           int64
	Deleted           bool
}

// Price is the store's replica of one price.
type Price struct {
	ID       string
	Name     string
	Value    float64
	Unit     string
	Currency string
	Version  int64
	Deleted  bool
}

// LifecycleStatus is an offering's lifecycle state as the offering service reports it.
type LifecycleStatus string

// The offering lifecycle states.
const (
	StatusDraft      LifecycleStatus = "DRAFT"
	StatusPublishing LifecycleStatus = "PUBLISHING"
	StatusPublished  LifecycleStatus = "PUBLISHED"
	StatusRetired    LifecycleStatus = "RETIRED"
)

// Offering is the store's replica of one product offering.
type Offering struct {
	ID               string
	Name             string
	Description      string
	SpecificationIDs []string
	PricingIDs       []string
	SalesChannels    []string
	Status           LifecycleStatus
	PublishedAt      *time.Time
	Version          int64
	Deleted          bool
}

// ErrStale reports an event older than (or as old as) the replica the store already holds.
var ErrStale = errors.New("stale entity version")

// ErrNotFound reports a store document (or replica) that does not exist.
var ErrNotFound = errors.New("not found")

// MissingReplicaError reports that a document cannot be built yet because the store has not
// received (or has deleted) an entity it references. It is a transient condition: the event
// that creates the replica is usually just late.
type MissingReplicaError struct {
	Kind EntityKind
	ID   string
}

func (e *MissingReplicaError) Error() string {
	return fmt.Sprintf("%s %s is not in the store's replicas yet", e.Kind, e.ID)
}

// InvalidEventError reports an event whose payload cannot be applied (poison).
type InvalidEventError struct {
	EventID string
	Reason  string
}

func (e *InvalidEventError) Error() string {
	return fmt.Sprintf("event %s: %s", e.EventID, e.Reason)
}
