package mongo

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// mirror is, in WritesByID, this process's copy of everything the store reads on its write
// paths: the replicas, each document's revision and references, the references collection and
// the index queue. With it only writes reach FerretDB, whose every command costs ~0.3 ms of CPU
// (a price update made ~20 commands, 4 of them writes).
//
// An entry is filled on first use by a find by _id (an absent record is remembered as absent
// too), kept in step by every write of this process (write-through) and dropped when a write
// fails, since the stored state is unknown then; the next use reads it again. Fills and writes
// of one record hold the record's lock (Store.records), so a fill can never store what a
// concurrent write just replaced. The mirror is only true while this process is the only one
// writing the database, which WritesByID already requires (see docs/store.md).
type mirror struct {
	replicas known[versionedRow] // "<collection>/<id>" → replica row
	docs     known[docRefsRow]   // document id → its revision and references
	refs     known[[]string]     // refKey → ids of the documents using the entity
	queue    known[int64]        // document id → revision of its index queue entry
}

// versionedRow is a replica row: its version decides whether an event replaces it.
type versionedRow interface{ rowVersion() int64 }

func (r characteristicRow) rowVersion() int64 { return r.Version }
func (r specificationRow) rowVersion() int64  { return r.Version }
func (r priceRow) rowVersion() int64          { return r.Version }
func (r offeringRow) rowVersion() int64       { return r.Version }

func (m *mirror) clear() {
	m.replicas.clear()
	m.docs.clear()
	m.refs.clear()
	m.queue.clear()
}

// known maps keys to what the database holds for them; a key that is not in the map is unknown.
// Values are never modified once stored (a write stores a new value), so readers may keep them.
type known[T any] struct {
	mu sync.RWMutex
	m  map[string]slot[T]
}

// slot is one known record: its value, or found == false for a record known to be absent.
type slot[T any] struct {
	v     T
	found bool
}

func (k *known[T]) get(key string) (slot[T], bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	s, ok := k.m[key]
	return s, ok
}

func (k *known[T]) set(key string, v T, found bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]slot[T]{}
	}
	k.m[key] = slot[T]{v: v, found: found}
}

func (k *known[T]) drop(keys ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, key := range keys {
		delete(k.m, key)
	}
}

func (k *known[T]) clear() {
	k.mu.Lock()
	defer k.mu.Unlock()
	clear(k.m)
}

// lookup returns key's record from k, loading it on a miss under the record lock lockKey (the
// lock its writers hold).
func lookup[T any](ctx context.Context, s *Store, k *known[T], lockKey, key string, load func(context.Context) (T, bool, error)) (T, bool, error) {
	if e, ok := k.get(key); ok {
		return e.v, e.found, nil
	}
	unlock := s.records.Lock(lockKey)
	defer unlock()
	return lookupLocked(ctx, k, key, load)
}

// lookupLocked is lookup for a caller that holds the record lock.
func lookupLocked[T any](ctx context.Context, k *known[T], key string, load func(context.Context) (T, bool, error)) (T, bool, error) {
	if e, ok := k.get(key); ok {
		return e.v, e.found, nil
	}
	v, found, err := load(ctx)
	if err != nil {
		var zero T
		return zero, false, err
	}
	k.set(key, v, found)
	return v, found, nil
}

// findRow reads the record id of coll, or reports it absent.
func findRow[T any](ctx context.Context, s *Store, coll, id string, opts ...*options.FindOneOptions) (T, bool, error) {
	var row T
	err := s.db.Collection(coll).FindOne(ctx, bson.M{"_id": id}, opts...).Decode(&row)
	if notFound(err) {
		return row, false, nil
	}
	if err != nil {
		return row, false, fmt.Errorf("read %s %s: %w", coll, id, err)
	}
	return row, true, nil
}

// replica returns replica id of coll from the mirror, reading it on a miss.
func (s *Store) replica(ctx context.Context, coll, id string) (versionedRow, bool, error) {
	key := coll + "/" + id
	return lookup(ctx, s, &s.mirror.replicas, key, key, s.replicaLoader(coll, id))
}

// replicaLoader reads replica id of coll as the row type of the collection.
func (s *Store) replicaLoader(coll, id string) func(context.Context) (versionedRow, bool, error) {
	return func(ctx context.Context) (versionedRow, bool, error) {
		switch coll {
		case collCharacteristics:
			return asVersioned(findRow[characteristicRow](ctx, s, coll, id))
		case collSpecifications:
			return asVersioned(findRow[specificationRow](ctx, s, coll, id))
		case collPrices:
			return asVersioned(findRow[priceRow](ctx, s, coll, id))
		case collOfferings:
			return asVersioned(findRow[offeringRow](ctx, s, coll, id))
		}
		return nil, false, fmt.Errorf("read %s %s: not a replica collection", coll, id)
	}
}

func asVersioned[T versionedRow](row T, found bool, err error) (versionedRow, bool, error) {
	if err != nil || !found {
		return nil, false, err
	}
	return row, true, nil
}

// detached copies the slices of a row stored in the mirror, so the caller's later changes to
// its own value cannot reach the mirror.
func detached(row any) versionedRow {
	switch r := row.(type) {
	case specificationRow:
		r.CharacteristicIDs = slices.Clone(r.CharacteristicIDs)
		return r
	case offeringRow:
		r.SpecificationIDs, r.PricingIDs = slices.Clone(r.SpecificationIDs), slices.Clone(r.PricingIDs)
		r.SalesChannels = slices.Clone(r.SalesChannels)
		return r
	case versionedRow:
		return r
	}
	panic(fmt.Sprintf("mirror: %T is not a replica row", row))
}

// docRefs returns the revision and references of document id (found false: no document).
func (s *Store) docRefs(ctx context.Context, id string) (docRefsRow, bool, error) {
	return lookup(ctx, s, &s.mirror.docs, collDocuments+"/"+id, id, s.docRefsLoader(id))
}

func (s *Store) docRefsLoader(id string) func(context.Context) (docRefsRow, bool, error) {
	return func(ctx context.Context) (docRefsRow, bool, error) {
		return findRow[docRefsRow](ctx, s, collDocuments, id, options.FindOne().SetProjection(bson.M{
			"revision": 1, "specification_ids": 1, "characteristic_ids": 1, "price_ids": 1,
		}))
	}
}

// queueLoader reads the revision of document id's index queue entry.
func (s *Store) queueLoader(id string) func(context.Context) (int64, bool, error) {
	return func(ctx context.Context) (int64, bool, error) {
		e, found, err := findRow[struct {
			Revision int64 `bson:"revision"`
		}](ctx, s, collQueue, id)
		return e.Revision, found, err
	}
}
