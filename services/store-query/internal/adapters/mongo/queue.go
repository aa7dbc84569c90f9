package mongo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"golang.org/x/sync/errgroup"

	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// enqueue records that the index must catch up with document id at revision rev.
func (s *Store) enqueue(ctx context.Context, id string, rev int64) error {
	var err error
	if s.writes == WritesByID {
		// MarkIndexed checks the entry's revision itself; it must not slip in between.
		unlock := s.records.Lock(collQueue + "/" + id)
		defer unlock()
		var m mongo.WriteModel = mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": id}).
			SetUpdate(bson.M{"$set": bson.M{"revision": rev}}).SetUpsert(true)
		if e, known := s.mirror.queue.get(id); known && !e.found {
			// The usual case under load (the entry of the previous change is gone once
			// indexed): a plain insert spares FerretDB the query an upsert runs first.
			m = mongo.NewInsertOneModel().SetDocument(bson.M{"_id": id, "revision": rev})
		}
		// The documents of a batch are written side by side: their entries share a write.
		err = s.queueWrites.do(ctx, m)
	} else {
		_, err = s.db.Collection(collQueue).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"revision": rev}},
			options.Update().SetUpsert(true))
	}
	if err != nil {
		s.mirror.queue.drop(id) // the entry's revision is unknown now
		return fmt.Errorf("queue %s for indexing: %w", id, err)
	}
	if s.writes == WritesByID {
		s.mirror.queue.set(id, rev, true)
	}
	return nil
}

// Defer implements app.IndexQueue. The entries are queued side by side, so on FerretDB they
// share writes (queueWrites) instead of taking a round trip each (a rebuild defers every
// document it wrote).
func (s *Store) Defer(ctx context.Context, docs ...domain.Document) error {
	errs := make([]error, len(docs))
	var g errgroup.Group
	g.SetLimit(deferParallelism)
	for i, d := range docs {
		g.Go(func() error {
			errs[i] = s.enqueue(ctx, d.ID, d.Revision)
			return nil
		})
	}
	_ = g.Wait() // each entry's error is in errs
	return errors.Join(errs...)
}

// deferParallelism bounds the entries Defer queues at once.
const deferParallelism = 64

// MarkIndexed implements app.IndexQueue: the queue entry of each document goes if it still has
// the given revision. All the entries go in one bulk write.
func (s *Store) MarkIndexed(ctx context.Context, entries ...app.IndexEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if s.writes == WritesByID {
		return s.markIndexedByID(ctx, entries)
	}
	models := make([]mongo.WriteModel, 0, len(entries))
	for _, e := range entries {
		models = append(models, mongo.NewDeleteOneModel().SetFilter(bson.M{"_id": e.ID, "revision": e.Revision}))
	}
	if _, err := s.db.Collection(collQueue).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return fmt.Errorf("mark %d documents indexed: %w", len(entries), err)
	}
	return nil
}

// markIndexedByID is MarkIndexed for WritesByID: the entries' revisions come from the mirror
// (read by _id on a miss: entries queued before this process started), compared here under
// the entries' locks.
func (s *Store) markIndexedByID(ctx context.Context, entries []app.IndexEntry) error {
	entries = slices.SortedFunc(slices.Values(entries), func(a, b app.IndexEntry) int { return cmp.Compare(a.ID, b.ID) })
	entries = slices.CompactFunc(entries, func(a, b app.IndexEntry) bool { return a.ID == b.ID })
	var drop []string
	models := make([]mongo.WriteModel, 0, len(entries))
	var errs []error
	for _, e := range entries {
		// In id order, so two callers cannot deadlock.
		defer s.records.Lock(collQueue + "/" + e.ID)()
		rev, found, err := lookupLocked(ctx, &s.mirror.queue, e.ID, s.queueLoader(e.ID))
		if err != nil {
			errs = append(errs, fmt.Errorf("read index queue entry %s: %w", e.ID, err))
			continue
		}
		if !found || rev != e.Revision {
			continue // already gone, or re-queued meanwhile at another revision: it stays
		}
		drop = append(drop, e.ID)
		models = append(models, mongo.NewDeleteOneModel().SetFilter(bson.M{"_id": e.ID}))
	}
	if len(models) > 0 {
		if _, err := s.db.Collection(collQueue).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			s.mirror.queue.drop(drop...)
			return errors.Join(append(errs, fmt.Errorf("mark %d documents indexed: %w", len(drop), err))...)
		}
		for _, id := range drop {
			s.mirror.queue.set(id, 0, false)
		}
	}
	return errors.Join(errs...)
}

// PendingIndex implements app.IndexQueue.
func (s *Store) PendingIndex(ctx context.Context, limit int) ([]app.IndexEntry, error) {
	cur, err := s.db.Collection(collQueue).Find(ctx, bson.M{}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("read index queue: %w", err)
	}
	var rows []struct {
		ID       string `bson:"_id"`
		Revision int64  `bson:"revision"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("decode index queue: %w", err)
	}
	out := make([]app.IndexEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, app.IndexEntry{ID: r.ID, Revision: r.Revision})
	}
	return out, nil
}

// AddRemoval implements app.IndexQueue.
func (s *Store) AddRemoval(ctx context.Context, id string) error {
	return s.enqueue(ctx, id, -1)
}
