package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Idempotency is the MongoDB implementation of the messaging IdempotencyStore port: one
// document per (consumer group, event id) in processed_events.
//
// The events of a batch finish together, so their consumer goroutines record them at the same
// moment: MarkProcessed joins the records that wait while one insert is under way into the next
// insert (one command instead of one per event; FerretDB costs ~0.3 ms of CPU per command).
type Idempotency struct {
	s *Store

	mu       sync.Mutex
	waiting  []*mark
	flushing bool // a caller is inserting the waiting records
}

// mark is one MarkProcessed call waiting for its insert.
type mark struct {
	doc  bson.M
	done chan error
}

// markTimeout bounds one insert of waiting records: the caller that runs it inserts the others'
// records too, so its own context does not decide for them.
const markTimeout = 10 * time.Second

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

// MarkProcessed records that group processed eventID; marking twice is not an error. It returns
// once the record is stored (or failed to be).
func (i *Idempotency) MarkProcessed(ctx context.Context, group, eventID string) error {
	m := &mark{done: make(chan error, 1), doc: bson.M{
		"_id": processedKey(group, eventID), "group": group, "event_id": eventID, "processed_at": time.Now().UTC(),
	}}
	i.mu.Lock()
	i.waiting = append(i.waiting, m)
	lead := !i.flushing
	i.flushing = true
	i.mu.Unlock()
	if lead {
		i.flush(context.WithoutCancel(ctx))
	}
	select {
	case err := <-m.done:
		if err != nil {
			return fmt.Errorf("mark event %s processed: %w", eventID, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("mark event %s processed: %w", eventID, ctx.Err())
	}
}

// flush inserts the waiting records until none is left, each insert taking all that wait.
func (i *Idempotency) flush(ctx context.Context) {
	for {
		i.mu.Lock()
		batch := i.waiting
		i.waiting = nil
		if len(batch) == 0 {
			i.flushing = false
			i.mu.Unlock()
			return
		}
		i.mu.Unlock()
		errs := i.insert(ctx, batch)
		for k, m := range batch {
			m.done <- errs[k]
		}
	}
}

// insert stores the records in one unordered insert and returns each one's error; a record
// already stored (a redelivery marked twice) is no error.
func (i *Idempotency) insert(ctx context.Context, batch []*mark) []error {
	ctx, cancel := context.WithTimeout(ctx, markTimeout)
	defer cancel()
	docs := make([]any, len(batch))
	for k, m := range batch {
		docs[k] = m.doc
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
