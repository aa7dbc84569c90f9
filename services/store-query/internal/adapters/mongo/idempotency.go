package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/libs/messaging"
)

// Idempotency is the MongoDB implementation of the messaging IdempotencyStore port: one
// document per (consumer group, event id) in processed_events. The events of a batch finish
// together, so their records are inserted together (combiner).
type Idempotency struct {
	s     *Store
	marks *combiner[bson.M]
}

// Idempotency returns the store's processed-events idempotency store.
func (s *Store) Idempotency() *Idempotency {
	i := &Idempotency{s: s}
	i.marks = &combiner[bson.M]{write: i.insert}
	return i
}

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

// Unprocessed implements messaging.NewEventTeller from the replicas this process knows: an
// event processed by the store raised its entity's replica to the event's version or beyond
// (versions only grow), so an event newer than the known replica cannot have been processed.
// An unknown replica, or one at or past the event's version, is left to Processed. Only the
// by-id mirror knows replicas without reading them.
func (i *Idempotency) Unprocessed(_ string, e messaging.Envelope) bool {
	if i.s.writes != WritesByID {
		return false
	}
	coll := replicaCollection(e.EventType)
	if coll == "" {
		return false
	}
	row, known := i.s.mirror.replicas.get(coll + "/" + e.EntityID)
	return known && row.found && row.v.rowVersion() < e.EntityVersion
}

// replicaCollection maps an event type to the collection of its entity's replicas ("" for
// a type the store does not know).
func replicaCollection(eventType string) string {
	switch {
	case strings.HasPrefix(eventType, "Characteristic"):
		return collCharacteristics
	case strings.HasPrefix(eventType, "Specification"):
		return collSpecifications
	case strings.HasPrefix(eventType, "Price"):
		return collPrices
	case strings.HasPrefix(eventType, "Offering"):
		return collOfferings
	}
	return ""
}

// MarkProcessed records that group processed eventID; marking twice is not an error. It returns
// once the record is stored (or failed to be).
func (i *Idempotency) MarkProcessed(ctx context.Context, group, eventID string) error {
	err := i.marks.do(ctx, bson.M{
		"_id": processedKey(group, eventID), "group": group, "event_id": eventID, "processed_at": time.Now().UTC(),
	})
	if err != nil {
		return fmt.Errorf("mark event %s processed: %w", eventID, err)
	}
	return nil
}

// insert stores the records in one unordered insert and returns each one's error; a record
// already stored (a redelivery marked twice) is no error.
func (i *Idempotency) insert(ctx context.Context, batch []bson.M) []error {
	docs := make([]any, len(batch))
	for k, m := range batch {
		docs[k] = m
	}
	errs := make([]error, len(batch))
	_, err := i.s.db.Collection(collProcessed).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bulk mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bulk) && bulk.WriteConcernError == nil:
		for _, we := range bulk.WriteErrors {
			if we.Index >= 0 && we.Index < len(errs) && !duplicateCode(we.Code) {
				errs[we.Index] = we
			}
		}
	default:
		for k := range errs {
			errs[k] = err
		}
	}
	return errs
}

// duplicateCode tells a duplicate key among the codes of one write's error.
func duplicateCode(code int) bool { return code == 11000 || code == 11001 || code == 12582 }
