package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// Service implements the offering use cases.
type Service struct {
	store Store
	saga  SagaStarter
	now   func() time.Time
	newID func() uuid.UUID
}

// New returns the use cases over store, starting sagas through saga.
func New(store Store, saga SagaStarter) *Service {
	return &Service{store: store, saga: saga, now: func() time.Time { return time.Now().UTC() }, newID: uuid.New}
}

// Get returns one offering.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (domain.Offering, error) {
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return domain.Offering{}, fmt.Errorf("get offering %s: %w", id, err)
	}
	return o, nil
}

// List returns a page of offerings, optionally only those in status.
func (s *Service) List(ctx context.Context, status *domain.Status, skip, limit int) ([]domain.Offering, error) {
	os, err := s.store.List(ctx, status, skip, limit)
	if err != nil {
		return nil, fmt.Errorf("list offerings: %w", err)
	}
	return os, nil
}

// Create stores a DRAFT offering and announces OfferingCreated.
func (s *Service) Create(ctx context.Context, c domain.Content) (domain.Offering, error) {
	o := domain.New(s.newID(), c, s.now())
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		if err := tx.Insert(ctx, o); err != nil {
			return err
		}
		return tx.Emit(ctx, domain.EventOfferingCreated, o)
	})
	if err != nil {
		return domain.Offering{}, fmt.Errorf("create offering: %w", err)
	}
	return o, nil
}

// change runs one transition under a row lock: mutate decides (and may refuse); the new state and its
// event are stored together. ifMatch, when not nil, is the version the client last saw.
func (s *Service) change(ctx context.Context, id uuid.UUID, ifMatch *int64,
	mutate func(o *domain.Offering) (event string, err error),
) (domain.Offering, error) {
	var out domain.Offering
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		o, err := tx.Lock(ctx, id)
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != o.Version {
			return domain.ErrVersionMismatch
		}
		event, err := mutate(&o)
		if err != nil {
			return err
		}
		out = o
		if event == "" {
			return nil // nothing changed (idempotent repeat)
		}
		if err := tx.Save(ctx, o); err != nil {
			return err
		}
		return tx.Emit(ctx, event, o)
	})
	return out, err
}

// Update replaces the content of a DRAFT offering; ifMatch (optional) guards against lost updates.
func (s *Service) Update(ctx context.Context, id uuid.UUID, c domain.Content, ifMatch *int64) (domain.Offering, error) {
	o, err := s.change(ctx, id, ifMatch, func(o *domain.Offering) (string, error) {
		return domain.EventOfferingUpdated, o.Update(c, s.now())
	})
	if err != nil {
		return domain.Offering{}, fmt.Errorf("update offering %s: %w", id, err)
	}
	return o, nil
}

// Delete removes a DRAFT offering and announces OfferingDeleted.
func (s *Service) Delete(ctx context.Context, id uuid.UUID, ifMatch *int64) error {
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		o, err := tx.Lock(ctx, id)
		if err != nil {
			return err
		}
		if ifMatch != nil && *ifMatch != o.Version {
			return domain.ErrVersionMismatch
		}
		if err := o.CheckDeletable(); err != nil {
			return err
		}
		if err := tx.Remove(ctx, o); err != nil {
			return err
		}
		o.Version++ // the deletion is the entity's next version
		o.UpdatedAt = s.now()
		return tx.Emit(ctx, domain.EventOfferingDeleted, o)
	})
	if err != nil {
		return fmt.Errorf("delete offering %s: %w", id, err)
	}
	return nil
}

// Retire moves a PUBLISHED offering to RETIRED; the pricing service releases its price holds on the event.
func (s *Service) Retire(ctx context.Context, id uuid.UUID) (domain.Offering, error) {
	o, err := s.change(ctx, id, nil, func(o *domain.Offering) (string, error) {
		return domain.EventOfferingRetired, o.Retire(s.now())
	})
	if err != nil {
		return domain.Offering{}, fmt.Errorf("retire offering %s: %w", id, err)
	}
	return o, nil
}

// ConfirmPublication moves PUBLISHING → PUBLISHED for sagaID (invalid sagaID = the offering's current saga).
// A repeat for the same saga changes nothing.
func (s *Service) ConfirmPublication(ctx context.Context, id uuid.UUID, sagaID uuid.NullUUID) (domain.Offering, error) {
	o, err := s.change(ctx, id, nil, func(o *domain.Offering) (string, error) {
		saga := sagaID.UUID
		if !sagaID.Valid {
			if o.Status != domain.Publishing {
				return "", &domain.TransitionError{Action: "confirm publication of", From: o.Status}
			}
			saga = o.SagaID.UUID
		}
		changed, err := o.ConfirmPublication(saga, s.now())
		if err != nil || !changed {
			return "", err
		}
		return domain.EventOfferingPublished, nil
	})
	if err != nil {
		return domain.Offering{}, fmt.Errorf("confirm publication of offering %s: %w", id, err)
	}
	return o, nil
}

// FailPublication moves PUBLISHING → DRAFT for sagaID (invalid = current saga), recording reason.
// A repeat for the same saga changes nothing.
func (s *Service) FailPublication(ctx context.Context, id uuid.UUID, sagaID uuid.NullUUID, reason string) (domain.Offering, error) {
	o, err := s.change(ctx, id, nil, func(o *domain.Offering) (string, error) {
		saga := sagaID.UUID
		if !sagaID.Valid {
			if o.Status != domain.Publishing {
				return "", &domain.TransitionError{Action: "fail publication of", From: o.Status}
			}
			saga = o.SagaID.UUID
		}
		changed, err := o.FailPublication(saga, reason, s.now())
		if err != nil || !changed {
			return "", err
		}
		return domain.EventOfferingPublicationFailed, nil
	})
	if err != nil {
		return domain.Offering{}, fmt.Errorf("fail publication of offering %s: %w", id, err)
	}
	return o, nil
}
