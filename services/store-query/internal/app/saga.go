package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// StaleReplicaError reports that the offering replica does not yet reflect the offering the
// saga publishes (its specification or price ids differ): an event is still on its way.
type StaleReplicaError struct {
	OfferingID string
	Field      string
}

func (e *StaleReplicaError) Error() string {
	return fmt.Sprintf("offering %s: replica %s differ from the saga's; waiting for its events", e.OfferingID, e.Field)
}

// CreateStoreEntry is the create-store-entry saga step: it pre-creates the offering's document
// from the replicas, invisible to shoppers until the offering is PUBLISHED. Running it again
// re-builds the same document. A missing or stale replica is an error (the job is retried)
// rather than a partial document.
//
// A replica that is missing or behind the saga is waited for, up to ReplicaWait, re-checked
// every replicaPoll: its event is usually milliseconds away, while failing the job costs the
// engine's retry backoff (1 s at first).
func (p *Projector) CreateStoreEntry(ctx context.Context, offeringID string, specIDs, priceIDs []string) error {
	deadline := time.Now().Add(p.ReplicaWait)
	for {
		err := p.createStoreEntry(ctx, offeringID, specIDs, priceIDs)
		var missing *domain.MissingReplicaError
		var stale *StaleReplicaError
		if err == nil || !(errors.As(err, &missing) || errors.As(err, &stale)) || !time.Now().Before(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(replicaPoll):
		}
	}
}

// replicaPoll is how often CreateStoreEntry re-checks a replica it waits for.
const replicaPoll = 20 * time.Millisecond

func (p *Projector) createStoreEntry(ctx context.Context, offeringID string, specIDs, priceIDs []string) error {
	o, err := p.replicas.Offering(ctx, offeringID)
	if err != nil {
		return fmt.Errorf("create store entry %s: %w", offeringID, missingOffering(offeringID, err))
	}
	if specIDs != nil && !sameSet(o.SpecificationIDs, specIDs) {
		return &StaleReplicaError{OfferingID: offeringID, Field: "specification_ids"}
	}
	if priceIDs != nil && !sameSet(o.PricingIDs, priceIDs) {
		return &StaleReplicaError{OfferingID: offeringID, Field: "price_ids"}
	}
	if err := p.rebuild(ctx, offeringID, true); err != nil {
		return fmt.Errorf("create store entry %s: %w", offeringID, err)
	}
	return nil
}

// DeleteStoreEntry is the delete-store-entry compensation: it removes the offering's document
// from the store and the search index. Removing an absent document succeeds.
func (p *Projector) DeleteStoreEntry(ctx context.Context, offeringID string) error {
	if err := p.remove(ctx, offeringID); err != nil {
		return fmt.Errorf("delete store entry: %w", err)
	}
	return nil
}

func missingOffering(id string, err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return &domain.MissingReplicaError{Kind: domain.KindOffering, ID: id}
	}
	return err
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
