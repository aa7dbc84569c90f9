package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Idempotency is the MongoDB implementation of the messaging IdempotencyStore port: one
// document per (consumer group, event id) in processed_events.
type Idempotency struct{ s *Store }

// Idempotency returns the store's processed-events idempotency store.
func (s *Store) Idempotency() *Idempotency { return &Idempotency{s: s} }

func processedKey(group, eventID string) string { return group + "/" + eventID }

// Processed reports whether group already processed eventID.
func (i *Idempotency) Processed(ctx context.Context, group, eventID string) (bool, error) {
	// A find by _id, not CountDocuments: the driver counts with an aggregation, which FerretDB
	// answers by scanning the collection.
	err := i.s.db.Collection(collProcessed).FindOne(ctx, bson.M{"_id": processedKey(group, eventID)},
		options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	if notFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check processed event %s: %w", eventID, err)
	}
	return true, nil
}

// MarkProcessed records that group processed eventID; marking twice is not an error.
func (i *Idempotency) MarkProcessed(ctx context.Context, group, eventID string) error {
	_, err := i.s.db.Collection(collProcessed).InsertOne(ctx, bson.M{
		"_id": processedKey(group, eventID), "group": group, "event_id": eventID, "processed_at": time.Now().UTC(),
	})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("mark event %s processed: %w", eventID, err)
	}
	return nil
}
