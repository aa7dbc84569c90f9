package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// Service implements the pricing use cases.
type Service struct {
	store Store
	now   func() time.Time
	newID func() uuid.UUID
}

// New returns the use cases over store.
func New(store Store) *Service {
	return &Service{store: store, now: func() time.Time { return time.Now().UTC() }, newID: uuid.New}
}

// Get returns one price.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (domain.Price, error) {
	p, err := s.store.Get(ctx, id)
	if err != nil {
		return domain.Price{}, fmt.Errorf("get price %s: %w", id, err)
	}
	return p, nil
}

// List returns a page of prices.
func (s *Service) List(ctx context.Context, skip, limit int) ([]domain.Price, error) {
	ps, err := s.store.List(ctx, skip, limit)
	if err != nil {
		return nil, fmt.Errorf("list prices: %w", err)
	}
	return ps, nil
}

// Create stores a new price and announces PriceCreated.
func (s *Service) Create(ctx context.Context, d domain.Details) (domain.Price, error) {
	p := domain.NewPrice(s.newID(), d, s.now())
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		if err := tx.Insert(ctx, p); err != nil {
			return err
		}
		return tx.Emit(ctx, domain.EventPriceCreated, p)
	})
	if err != nil {
		return domain.Price{}, fmt.Errorf("create price: %w", err)
	}
	return p, nil
}

// lockOne loads one price for update or returns domain.ErrNotFound.
func lockOne(ctx context.Context, tx Tx, id uuid.UUID) (domain.Price, error) {
	ps, err := tx.LockPrices(ctx, []uuid.UUID{id})
	if err != nil {
		return domain.Price{}, err
	}
	if len(ps) == 0 {
		return domain.Price{}, domain.ErrNotFound
	}
	return ps[0], nil
}

// Update replaces a price's details unless a saga holds it.
func (s *Service) Update(ctx context.Context, id uuid.UUID, d domain.Details) (domain.Price, error) {
	var out domain.Price
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		p, err := lockOne(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := p.Update(d, s.now()); err != nil {
			return err
		}
		if err := tx.Save(ctx, p); err != nil {
			return err
		}
		out = p
		return tx.Emit(ctx, domain.EventPriceUpdated, p)
	})
	if err != nil {
		return domain.Price{}, fmt.Errorf("update price %s: %w", id, err)
	}
	return out, nil
}

// Delete removes a price unless a saga holds it.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		p, err := lockOne(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := p.CheckDeletable(); err != nil {
			return err
		}
		if err := tx.Remove(ctx, p); err != nil {
			return err
		}
		p.Version++ // the deletion is the entity's next version
		p.UpdatedAt = s.now()
		return tx.Emit(ctx, domain.EventPriceDeleted, p)
	})
	if err != nil {
		return fmt.Errorf("delete price %s: %w", id, err)
	}
	return nil
}

// ErrNoPrices means a lock request named no price.
var ErrNoPrices = errors.New("price_ids must name at least one price")

// LockCommand asks to hold a set of prices for one saga.
type LockCommand struct {
	SagaID     uuid.UUID
	OfferingID uuid.NullUUID
	PriceIDs   []uuid.UUID
}

// LockPrices holds every price of the set for the saga, all or nothing; prices the saga already holds stay as
// they are, so a repeated call has no further effect. A missing price fails the whole set (domain.MissingPricesError).
func (s *Service) LockPrices(ctx context.Context, cmd LockCommand) ([]domain.Price, error) {
	if len(cmd.PriceIDs) == 0 {
		return nil, ErrNoPrices
	}
	var out []domain.Price
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		ps, err := tx.LockPrices(ctx, cmd.PriceIDs)
		if err != nil {
			return err
		}
		if err := domain.CheckAllFound(cmd.PriceIDs, ps); err != nil {
			return err
		}
		now := s.now()
		for i := range ps {
			if !ps[i].AddHold(domain.Hold{SagaID: cmd.SagaID, OfferingID: cmd.OfferingID, CreatedAt: now}) {
				continue
			}
			if err := tx.Save(ctx, ps[i]); err != nil {
				return err
			}
			if err := tx.Emit(ctx, domain.EventPriceLocked, ps[i]); err != nil {
				return err
			}
		}
		out = ps
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lock prices %v for saga %s: %w", cmd.PriceIDs, cmd.SagaID, err)
	}
	return out, nil
}

// UnlockPrices releases the saga's holds (on priceIDs only, when given) in one transaction; holds of other sagas
// stay. Releasing what the saga does not hold is a no-op, so compensation can repeat safely.
func (s *Service) UnlockPrices(ctx context.Context, sagaID uuid.UUID, priceIDs []uuid.UUID) ([]domain.Price, error) {
	var out []domain.Price
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		ps, err := tx.LockHeld(ctx, uuid.NullUUID{UUID: sagaID, Valid: true}, uuid.NullUUID{})
		if err != nil {
			return err
		}
		only := make(map[uuid.UUID]bool, len(priceIDs))
		for _, id := range priceIDs {
			only[id] = true
		}
		for i := range ps {
			if len(only) > 0 && !only[ps[i].ID] {
				continue
			}
			if err := release(ctx, tx, &ps[i], ps[i].ReleaseSaga(sagaID)); err != nil {
				return err
			}
			out = append(out, ps[i])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unlock prices of saga %s: %w", sagaID, err)
	}
	return out, nil
}

func release(ctx context.Context, tx Tx, p *domain.Price, changed bool) error {
	if !changed {
		return nil
	}
	if err := tx.Save(ctx, *p); err != nil {
		return err
	}
	return tx.Emit(ctx, domain.EventPriceUnlocked, *p)
}

// Unlock releases one price: only the saga's hold when sagaID is valid, otherwise every hold (administrative).
func (s *Service) Unlock(ctx context.Context, id uuid.UUID, sagaID uuid.NullUUID) (domain.Price, error) {
	var out domain.Price
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		p, err := lockOne(ctx, tx, id)
		if err != nil {
			return err
		}
		changed := false
		if sagaID.Valid {
			changed = p.ReleaseSaga(sagaID.UUID)
		} else {
			changed = p.ReleaseAll()
		}
		out = p
		return release(ctx, tx, &p, changed)
	})
	if err != nil {
		return domain.Price{}, fmt.Errorf("unlock price %s: %w", id, err)
	}
	return out, nil
}

// ConsumerGroup is the pricing service's consumer group on other services' topics.
const ConsumerGroup = "pricing"

// ReleaseOffering releases every hold taken for a retired offering; eventID makes a redelivery a no-op.
func (s *Service) ReleaseOffering(ctx context.Context, eventID string, offeringID uuid.UUID) error {
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		done, err := tx.MarkProcessed(ctx, ConsumerGroup, eventID)
		if err != nil || done {
			return err
		}
		ps, err := tx.LockHeld(ctx, uuid.NullUUID{}, uuid.NullUUID{UUID: offeringID, Valid: true})
		if err != nil {
			return err
		}
		for i := range ps {
			if err := release(ctx, tx, &ps[i], ps[i].ReleaseOffering(offeringID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release holds of offering %s: %w", offeringID, err)
	}
	return nil
}
