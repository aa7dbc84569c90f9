// Package app holds the pricing use cases; HTTP handlers, job workers and event consumers all call them.
package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// Tx is the unit of work of one use case: every call runs in the same database transaction.
type Tx interface {
	// LockPrices loads the existing prices among ids with a row lock, ordered by id (no deadlocks between sets).
	LockPrices(ctx context.Context, ids []uuid.UUID) ([]domain.Price, error)
	// LockHeld loads, with a row lock, every price held by the saga (when sagaID is valid) or the offering.
	LockHeld(ctx context.Context, sagaID, offeringID uuid.NullUUID) ([]domain.Price, error)
	// Insert stores a new price; a taken name is domain.ErrDuplicateName.
	Insert(ctx context.Context, p domain.Price) error
	// Save stores the price's new state and holds (the caller already bumped the version).
	Save(ctx context.Context, p domain.Price) error
	// Remove deletes the price.
	Remove(ctx context.Context, p domain.Price) error
	// Emit appends a domain event about p to the outbox; entity_version is p.Version.
	Emit(ctx context.Context, eventType string, p domain.Price) error
	// MarkProcessed records an incoming event id for the consumer group; true when it was already processed.
	MarkProcessed(ctx context.Context, group, eventID string) (bool, error)
}

// Store runs units of work and answers reads.
type Store interface {
	// InTx runs fn in one transaction and commits when fn returns nil; the commit error is returned.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Get returns one price or domain.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (domain.Price, error)
	// List returns prices ordered by creation time.
	List(ctx context.Context, skip, limit int) ([]domain.Price, error)
}
