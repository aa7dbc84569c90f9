// Package app holds the specification use cases and the ports they need.
package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// Page selects a window of a list: skip items, then return at most limit.
type Page struct {
	Skip, Limit int
}

// Expanded is a specification with its characteristics from the local replica.
type Expanded struct {
	domain.Specification
	Characteristics []domain.Characteristic
}

// Repository stores specifications. Every write also appends the matching domain event to
// the outbox in the same transaction, and re-checks the characteristic ids against the
// replica there (domain.RequireCharacteristics).
type Repository interface {
	// Add stores a new specification (domain.ErrNameTaken on a duplicate name).
	Add(ctx context.Context, s domain.Specification) error
	// Get returns one specification with its replicated characteristics, or domain.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Expanded, error)
	// List returns a page ordered by creation time.
	List(ctx context.Context, p Page) ([]domain.Specification, error)
	// Update locks the row, lets fn change it and stores it with its version incremented.
	Update(ctx context.Context, id uuid.UUID, fn func(*domain.Specification) error) (domain.Specification, error)
	// Delete locks the row, passes it with the offerings that reference it to fn, and removes
	// it when fn returns nil.
	Delete(ctx context.Context, id uuid.UUID, fn func(s domain.Specification, offerings []domain.OfferingRef) error) error
	// Existing returns which of ids are stored specifications.
	Existing(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error)
}

// Replica is the local copy of the characteristic service's characteristics.
type Replica interface {
	// Existing returns which of ids are replicated and not deleted.
	Existing(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error)
	// Store keeps c unless a newer version is stored; it reports whether c was applied.
	Store(ctx context.Context, c domain.Characteristic) (bool, error)
	// Apply is Store for an event: it also records eventID as processed by group in the same
	// transaction and does nothing for an already processed event.
	Apply(ctx context.Context, group, eventID string, c domain.Characteristic) (bool, error)
}

// Directory looks a characteristic up at its owner, the characteristic service.
type Directory interface {
	// Lookup returns the characteristic, or found=false when the owner does not know it.
	Lookup(ctx context.Context, id uuid.UUID) (c domain.Characteristic, found bool, err error)
}

// OfferingRefs records which offerings reference which specifications, in which state.
type OfferingRefs interface {
	// Apply stores ref unless eventID was already processed by group or a newer version is
	// stored; it reports whether ref was applied.
	Apply(ctx context.Context, group, eventID string, ref domain.OfferingRef) (bool, error)
}
