package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// ErrDirectoryUnavailable wraps a failed lookup at the characteristic service.
var ErrDirectoryUnavailable = errors.New("characteristic service unavailable")

// Service runs the specification use cases.
type Service struct {
	repo      Repository
	replica   Replica
	directory Directory
	offerings OfferingRefs
	now       func() time.Time
	newID     func() uuid.UUID
}

// New returns a Service over its ports.
func New(repo Repository, replica Replica, directory Directory, offerings OfferingRefs) *Service {
	return &Service{
		repo: repo, replica: replica, directory: directory, offerings: offerings,
		now:   func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, // the precision PostgreSQL stores
		newID: uuid.New,
	}
}

// Create validates in, checks its characteristics exist and stores a new specification.
func (s *Service) Create(ctx context.Context, in domain.Input) (domain.Specification, error) {
	spec, err := domain.New(s.newID(), in, s.now())
	if err != nil {
		return domain.Specification{}, err
	}
	if err := s.requireCharacteristics(ctx, spec.CharacteristicIDs); err != nil {
		return domain.Specification{}, fmt.Errorf("create specification %q: %w", spec.Name, err)
	}
	if err := s.repo.Add(ctx, spec); err != nil {
		return domain.Specification{}, fmt.Errorf("create specification %q: %w", spec.Name, err)
	}
	return spec, nil
}

// Get returns one specification with its characteristics.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Expanded, error) {
	e, err := s.repo.Get(ctx, id)
	if err != nil {
		return Expanded{}, fmt.Errorf("get specification %s: %w", id, err)
	}
	return e, nil
}

// List returns one page of specifications.
func (s *Service) List(ctx context.Context, p Page) ([]domain.Specification, error) {
	out, err := s.repo.List(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list specifications: %w", err)
	}
	return out, nil
}

// ReplaceCommand replaces a specification's content; ExpectedVersion, when set, must be the
// stored version.
type ReplaceCommand struct {
	ID              uuid.UUID
	Input           domain.Input
	ExpectedVersion *int64
}

// Replace validates the new content, checks its characteristics and stores it.
func (s *Service) Replace(ctx context.Context, cmd ReplaceCommand) (domain.Specification, error) {
	now := s.now()
	// Validate first, so that bad input is reported before any lookup.
	probe, err := domain.New(cmd.ID, cmd.Input, now)
	if err != nil {
		return domain.Specification{}, err
	}
	if err := s.requireCharacteristics(ctx, probe.CharacteristicIDs); err != nil {
		return domain.Specification{}, fmt.Errorf("replace specification %s: %w", cmd.ID, err)
	}
	spec, err := s.repo.Update(ctx, cmd.ID, func(sp *domain.Specification) error {
		if err := sp.CheckVersion(cmd.ExpectedVersion); err != nil {
			return err
		}
		return sp.Replace(cmd.Input, now)
	})
	if err != nil {
		return domain.Specification{}, fmt.Errorf("replace specification %s: %w", cmd.ID, err)
	}
	return spec, nil
}

// DeleteCommand removes a specification; ExpectedVersion works as in ReplaceCommand.
type DeleteCommand struct {
	ID              uuid.UUID
	ExpectedVersion *int64
}

// Delete removes a specification no published offering references.
func (s *Service) Delete(ctx context.Context, cmd DeleteCommand) error {
	err := s.repo.Delete(ctx, cmd.ID, func(sp domain.Specification, offerings []domain.OfferingRef) error {
		if err := sp.CheckVersion(cmd.ExpectedVersion); err != nil {
			return err
		}
		return sp.CanDelete(offerings)
	})
	if err != nil {
		return fmt.Errorf("delete specification %s: %w", cmd.ID, err)
	}
	return nil
}

// ValidateExisting checks that every id names a stored specification (the publication
// saga's validate-specifications step); malformed ids count as missing.
func (s *Service) ValidateExisting(ctx context.Context, ids []string) error {
	parsed := make([]uuid.UUID, 0, len(ids))
	var missing []string
	for _, raw := range ids {
		id, err := uuid.Parse(raw)
		if err != nil {
			missing = append(missing, raw)
			continue
		}
		parsed = append(parsed, id)
	}
	existing, err := s.repo.Existing(ctx, parsed)
	if err != nil {
		return fmt.Errorf("validate specifications: %w", err)
	}
	for _, raw := range ids {
		if id, err := uuid.Parse(raw); err == nil && !existing[id] {
			missing = append(missing, raw)
		}
	}
	if len(missing) > 0 {
		return &domain.MissingSpecificationsError{IDs: missing}
	}
	return nil
}

// requireCharacteristics checks ids against the replica; ids not replicated yet are looked
// up once at the characteristic service (and replicated when found) before they count as
// unknown. It runs outside any transaction.
func (s *Service) requireCharacteristics(ctx context.Context, ids []uuid.UUID) error {
	existing, err := s.replica.Existing(ctx, ids)
	if err != nil {
		return fmt.Errorf("read characteristic replica: %w", err)
	}
	if existing == nil {
		existing = map[uuid.UUID]bool{}
	}
	for _, id := range ids {
		if existing[id] {
			continue
		}
		c, found, err := s.directory.Lookup(ctx, id)
		if err != nil {
			return fmt.Errorf("look up characteristic %s: %w: %w", id, ErrDirectoryUnavailable, err)
		}
		if !found {
			continue
		}
		if _, err := s.replica.Store(ctx, c); err != nil {
			return fmt.Errorf("replicate characteristic %s: %w", id, err)
		}
		existing[id] = true
	}
	return domain.RequireCharacteristics(ids, existing)
}
