// Package app holds the characteristic use cases and the ports they need.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

// Page selects a window of a list: skip items, then return at most limit.
type Page struct {
	Skip, Limit int
}

// Repository stores characteristics. Every write also appends the matching domain event to
// the outbox in the same transaction.
type Repository interface {
	// Add stores a new characteristic (domain.ErrNameTaken on a duplicate name).
	Add(ctx context.Context, c domain.Characteristic) error
	// Get returns one characteristic or domain.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (domain.Characteristic, error)
	// List returns a page ordered by creation time.
	List(ctx context.Context, p Page) ([]domain.Characteristic, error)
	// Update locks the row, lets fn change it and stores it with its version incremented.
	Update(ctx context.Context, id uuid.UUID, fn func(*domain.Characteristic) error) (domain.Characteristic, error)
	// Delete locks the row, passes it with the ids of the specifications that reference it to
	// fn, and removes it when fn returns nil.
	Delete(ctx context.Context, id uuid.UUID, fn func(c domain.Characteristic, referencedBy []uuid.UUID) error) error
}

// SpecificationRef is what the service knows about one specification's references.
type SpecificationRef struct {
	SpecificationID   uuid.UUID
	CharacteristicIDs []uuid.UUID
	Version           int64
	Deleted           bool
}

// ReferenceStore records which specifications reference which characteristics.
type ReferenceStore interface {
	// Record stores ref unless eventID was already processed by group or a newer version is
	// stored; it reports whether ref was applied.
	Record(ctx context.Context, group, eventID string, ref SpecificationRef) (bool, error)
}

// Service runs the characteristic use cases.
type Service struct {
	repo  Repository
	refs  ReferenceStore
	now   func() time.Time
	newID func() uuid.UUID
}

// New returns a Service over its ports.
func New(repo Repository, refs ReferenceStore) *Service {
	return &Service{
		repo:  repo,
		refs:  refs,
		now:   func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, // the precision PostgreSQL stores
		newID: uuid.New,
	}
}

// Create validates in and stores a new characteristic.
func (s *Service) Create(ctx context.Context, in domain.Input) (domain.Characteristic, error) {
	c, err := domain.New(s.newID(), in, s.now())
	if err != nil {
		return domain.Characteristic{}, err
	}
	if err := s.repo.Add(ctx, c); err != nil {
		return domain.Characteristic{}, fmt.Errorf("create characteristic %q: %w", c.Name, err)
	}
	return c, nil
}

// Get returns one characteristic.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (domain.Characteristic, error) {
	c, err := s.repo.Get(ctx, id)
	if err != nil {
		return domain.Characteristic{}, fmt.Errorf("get characteristic %s: %w", id, err)
	}
	return c, nil
}

// List returns one page of characteristics.
func (s *Service) List(ctx context.Context, p Page) ([]domain.Characteristic, error) {
	cs, err := s.repo.List(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list characteristics: %w", err)
	}
	return cs, nil
}

// UpdateCommand changes some fields of a characteristic; ExpectedVersion, when set, must be
// the stored version (optimistic concurrency).
type UpdateCommand struct {
	ID              uuid.UUID
	Patch           domain.Patch
	ExpectedVersion *int64
}

// Update applies cmd and returns the stored characteristic.
func (s *Service) Update(ctx context.Context, cmd UpdateCommand) (domain.Characteristic, error) {
	now := s.now()
	c, err := s.repo.Update(ctx, cmd.ID, func(c *domain.Characteristic) error {
		if err := c.CheckVersion(cmd.ExpectedVersion); err != nil {
			return err
		}
		return c.Apply(cmd.Patch, now)
	})
	if err != nil {
		return domain.Characteristic{}, fmt.Errorf("update characteristic %s: %w", cmd.ID, err)
	}
	return c, nil
}

// DeleteCommand removes a characteristic; ExpectedVersion works as in UpdateCommand.
type DeleteCommand struct {
	ID              uuid.UUID
	ExpectedVersion *int64
}

// Delete removes a characteristic that no specification references.
func (s *Service) Delete(ctx context.Context, cmd DeleteCommand) error {
	err := s.repo.Delete(ctx, cmd.ID, func(c domain.Characteristic, referencedBy []uuid.UUID) error {
		if err := c.CheckVersion(cmd.ExpectedVersion); err != nil {
			return err
		}
		return c.CanDelete(referencedBy)
	})
	if err != nil {
		return fmt.Errorf("delete characteristic %s: %w", cmd.ID, err)
	}
	return nil
}

// RecordSpecification learns a specification's characteristic references from one of its
// events; it reports whether the event changed anything (false for duplicates and stale ones).
func (s *Service) RecordSpecification(ctx context.Context, group, eventID string, ref SpecificationRef) (bool, error) {
	applied, err := s.refs.Record(ctx, group, eventID, ref)
	if err != nil {
		return false, fmt.Errorf("record specification %s v%d: %w", ref.SpecificationID, ref.Version, err)
	}
	return applied, nil
}
