package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// SagaUnavailableError means the saga engine could not start the publication; the offering is DRAFT again.
type SagaUnavailableError struct{ Cause error }

// Error implements error.
func (e *SagaUnavailableError) Error() string {
	return "the publication saga could not be started, the offering is back in DRAFT: " + e.Cause.Error()
}

// Unwrap returns the cause.
func (e *SagaUnavailableError) Unwrap() error { return e.Cause }

// Publish checks the preconditions against the local replicas, moves the offering to PUBLISHING under a new
// saga id (tx 1, with OfferingPublicationInitiated), then starts the saga outside any transaction. When the
// engine refuses or is unreachable, a second transaction reverts the offering to DRAFT with the reason and
// OfferingPublicationFailed, and the error is a *SagaUnavailableError.
func (s *Service) Publish(ctx context.Context, id uuid.UUID) (domain.Offering, error) {
	sagaID := s.newID()
	// Preconditions read the replicas; check them and move in one transaction so no replica change slips between.
	o, err := s.startPublication(ctx, id, sagaID)
	if err != nil {
		return domain.Offering{}, fmt.Errorf("publish offering %s: %w", id, err)
	}

	// PUBLISHING is committed: from here the work must finish even if the client goes away, or the
	// offering would wait for a saga nobody started (the starter bounds the call itself).
	ctx = context.WithoutCancel(ctx)
	key, startErr := s.saga.StartPublication(ctx, PublicationStart{
		OfferingID: o.ID, SagaID: sagaID, PriceIDs: o.PricingIDs, SpecificationIDs: o.SpecificationIDs,
	})
	if startErr != nil {
		reason := "saga engine unavailable: " + startErr.Error()
		if _, err := s.FailPublication(ctx, id, uuid.NullUUID{UUID: sagaID, Valid: true}, reason); err != nil {
			return domain.Offering{}, fmt.Errorf("publish offering %s: start saga: %w (revert to draft failed: %v)", id, startErr, err)
		}
		return domain.Offering{}, fmt.Errorf("publish offering %s: %w", id, &SagaUnavailableError{Cause: startErr})
	}
	if err := s.store.SetProcessInstance(ctx, id, sagaID, key); err != nil {
		return domain.Offering{}, fmt.Errorf("publish offering %s: record process instance %d: %w", id, key, err)
	}
	o.ProcessInstanceKey = &key
	return o, nil
}

// startPublication implements app.Tx.
func (s *Service) startPublication(ctx context.Context, id, sagaID uuid.UUID) (domain.Offering, error) {
	var out domain.Offering
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		o, err := tx.Lock(ctx, id)
		if err != nil {
			return err
		}
		refs, err := tx.References(ctx, o.PricingIDs, o.SpecificationIDs)
		if err != nil {
			return err
		}
		if err := o.StartPublication(sagaID, refs, s.now()); err != nil {
			return err
		}
		if err := tx.Save(ctx, o); err != nil {
			return err
		}
		out = o
		return tx.Emit(ctx, domain.EventOfferingPublicationInitiated, o)
	})
	return out, err
}

// stalledReason is the failure reason of a publication whose saga never started.
const stalledReason = "publication did not start: the offering service stopped before the saga engine accepted it; publish again"

// RecoverStalledPublications reverts to DRAFT every offering left in PUBLISHING without a saga instance
// for longer than grace (the process died between the two steps of Publish). It returns how many it
// reverted. A saga that did start but whose key was not recorded finds the offering in DRAFT at its
// confirm step and compensates, so the outcome is consistent either way.
func (s *Service) RecoverStalledPublications(ctx context.Context, grace time.Duration) (int, error) {
	stalled, err := s.store.StalledPublications(ctx, s.now().Add(-grace))
	if err != nil {
		return 0, fmt.Errorf("find stalled publications: %w", err)
	}
	n := 0
	for _, p := range stalled {
		_, err := s.FailPublication(ctx, p.OfferingID, uuid.NullUUID{UUID: p.SagaID, Valid: true}, stalledReason)
		if err != nil {
			return n, fmt.Errorf("revert stalled publication of %s: %w", p.OfferingID, err)
		}
		n++
	}
	return n, nil
}
