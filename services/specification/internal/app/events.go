package app

import (
	"context"
	"fmt"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// ReplicateCharacteristic applies one characteristic event to the replica; it reports
// whether anything changed (false for duplicates and stale versions).
func (s *Service) ReplicateCharacteristic(ctx context.Context, group, eventID string, c domain.Characteristic) (bool, error) {
	applied, err := s.replica.Apply(ctx, group, eventID, c)
	if err != nil {
		return false, fmt.Errorf("replicate characteristic %s v%d: %w", c.ID, c.Version, err)
	}
	return applied, nil
}

// RecordOffering applies one offering event to the offering references.
func (s *Service) RecordOffering(ctx context.Context, group, eventID string, ref domain.OfferingRef) (bool, error) {
	applied, err := s.offerings.Apply(ctx, group, eventID, ref)
	if err != nil {
		return false, fmt.Errorf("record offering %s v%d: %w", ref.OfferingID, ref.Version, err)
	}
	return applied, nil
}
