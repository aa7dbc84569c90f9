// Package app holds the offering use cases; HTTP handlers, saga job workers and event consumers all call them.
package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// Tx is the unit of work of one use case: every call runs in the same database transaction.
type Tx interface {
	// Lock loads one offering with a row lock, or domain.ErrNotFound.
	Lock(ctx context.Context, id uuid.UUID) (domain.Offering, error)
	// Insert stores a new offering.
	Insert(ctx context.Context, o domain.Offering) error
	// Save stores the offering's new state (the caller already bumped the version).
	Save(ctx context.Context, o domain.Offering) error
	// Remove deletes the offering.
	Remove(ctx context.Context, o domain.Offering) error
	// Emit appends a domain event about o to the outbox; entity_version is o.Version.
	Emit(ctx context.Context, eventType string, o domain.Offering) error
	// References reports which of the ids exist in the local replicas of prices and specifications.
	References(ctx context.Context, priceIDs, specIDs []uuid.UUID) (domain.References, error)
	// ApplyReplica records an id's existence (or deletion) at version; older versions are ignored.
	ApplyReplica(ctx context.Context, kind ReplicaKind, id uuid.UUID, version int64, deleted bool) error
	// MarkProcessed records an incoming event id for the consumer group; true when it was already processed.
	MarkProcessed(ctx context.Context, group, eventID string) (bool, error)
}

// ReplicaKind names a local replica of another service's ids.
type ReplicaKind string

// Replicas kept by the offering service.
const (
	ReplicaPrices         ReplicaKind = "prices"
	ReplicaSpecifications ReplicaKind = "specifications"
)

// Store runs units of work and answers reads.
type Store interface {
	// InTx runs fn in one transaction and commits when fn returns nil; the commit error is returned.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Get returns one offering or domain.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (domain.Offering, error)
	// List returns offerings ordered by creation time, optionally only those in status.
	List(ctx context.Context, status *domain.Status, skip, limit int) ([]domain.Offering, error)
	// SetProcessInstance records the engine's process instance key of the offering's saga (no new version).
	SetProcessInstance(ctx context.Context, id, sagaID uuid.UUID, key int64) error
	// StalledPublications lists offerings in PUBLISHING with no process instance key whose last change is
	// older than before: the process stopped between committing PUBLISHING and starting the saga.
	StalledPublications(ctx context.Context, before time.Time) ([]StalledPublication, error)
}

// StalledPublication names a publication whose saga never started.
type StalledPublication struct {
	OfferingID uuid.UUID
	SagaID     uuid.UUID
}

// PublicationStart is what the publication saga starts with (the business variables of the saga contract).
type PublicationStart struct {
	OfferingID       uuid.UUID
	SagaID           uuid.UUID
	PriceIDs         []uuid.UUID
	SpecificationIDs []uuid.UUID
}

// SagaStarter creates the publication process instance on the saga engine and returns its key.
// The adapter adds the correlation id and trace context of ctx.
type SagaStarter interface {
	StartPublication(ctx context.Context, s PublicationStart) (int64, error)
}
