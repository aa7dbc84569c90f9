package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// ConsumerGroup is the offering service's consumer group on other services' topics.
const ConsumerGroup = "offering"

// ReplicaChange is one event about a price or specification id.
type ReplicaChange struct {
	EventID string
	Kind    ReplicaKind
	ID      uuid.UUID
	Version int64
	Deleted bool
}

// ApplyReplica records a price or specification id's existence; redelivered and older events change nothing.
func (s *Service) ApplyReplica(ctx context.Context, c ReplicaChange) error {
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		done, err := tx.MarkProcessed(ctx, ConsumerGroup, c.EventID)
		if err != nil || done {
			return err
		}
		return tx.ApplyReplica(ctx, c.Kind, c.ID, c.Version, c.Deleted)
	})
	if err != nil {
		return fmt.Errorf("apply %s replica event %s for %s: %w", c.Kind, c.EventID, c.ID, err)
	}
	return nil
}
