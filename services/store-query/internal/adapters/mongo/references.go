package mongo

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// IDsUsing implements app.Documents. It reads the reference document of the entity (an _id
// lookup) instead of scanning the documents; references are only ever added, so the answer may
// name documents that no longer use the entity or no longer exist (re-building them is harmless).
func (s *Store) IDsUsing(ctx context.Context, kind domain.EntityKind, id string) ([]string, error) {
	key := refKey(kind, id)
	load := func(ctx context.Context) ([]string, bool, error) {
		r, found, err := findRow[refRow](ctx, s, collRefs, key)
		return r.Docs, found, err
	}
	var docs []string
	var err error
	if s.writes == WritesByID {
		docs, _, err = lookup(ctx, s, &s.mirror.refs, collRefs+"/"+key, key, load)
	} else {
		docs, _, err = load(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("find documents using %s %s: %w", kind, id, err)
	}
	return slices.Clone(docs), nil
}

type refRow struct {
	ID   string   `bson:"_id"`
	Docs []string `bson:"docs"`
}

func refKey(kind domain.EntityKind, id string) string { return string(kind) + ":" + id }

// addRefs records, for every entity in refs, that document docID uses it.
func (s *Store) addRefs(ctx context.Context, docID string, refs refSet) error {
	var keys []string
	for _, kind := range []domain.EntityKind{domain.KindSpecification, domain.KindCharacteristic, domain.KindPrice} {
		for _, id := range refs[kind] {
			keys = append(keys, refKey(kind, id))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if s.writes == WritesByID {
		if err := s.refAdds.do(ctx, refAdd{doc: docID, keys: keys}); err != nil {
			return fmt.Errorf("record references of %s: %w", docID, err)
		}
		return nil
	}
	models := make([]mongo.WriteModel, 0, len(keys))
	for _, key := range keys {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": key}).
			SetUpdate(bson.M{"$addToSet": bson.M{"docs": docID}}).SetUpsert(true))
	}
	if _, err := s.db.Collection(collRefs).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return fmt.Errorf("record references of %s: %w", docID, err)
	}
	return nil
}

// refAdd is one document's references waiting to be recorded (WritesByID).
type refAdd struct {
	doc  string
	keys []string
}

// writeRefs records the waiting references in one write, one $addToSet per entity with every
// document that waits: documents created together share their specification's and
// characteristic's entries, which were otherwise written one after another. It holds the
// entries' locks, under which IDsUsing fills the mirror.
func (s *Store) writeRefs(ctx context.Context, adds []refAdd) []error {
	docs := map[string][]string{}
	for _, a := range adds {
		for _, key := range a.keys {
			if !slices.Contains(docs[key], a.doc) {
				docs[key] = append(docs[key], a.doc)
			}
		}
	}
	keys := slices.Sorted(maps.Keys(docs))
	for _, key := range keys {
		defer s.records.Lock(collRefs + "/" + key)()
	}
	models := make([]mongo.WriteModel, 0, len(keys))
	for _, key := range keys {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": key}).
			SetUpdate(bson.M{"$addToSet": bson.M{"docs": bson.M{"$each": docs[key]}}}).SetUpsert(true))
	}
	errs := make([]error, len(adds))
	if _, err := s.db.Collection(collRefs).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		s.mirror.refs.drop(keys...)
		for k := range errs {
			errs[k] = err
		}
		return errs
	}
	for _, key := range keys {
		// A key the mirror does not know stays unknown: its next use reads it, these included.
		if e, ok := s.mirror.refs.get(key); ok {
			merged := slices.Clone(e.v)
			for _, d := range docs[key] {
				if !slices.Contains(merged, d) {
					merged = append(merged, d)
				}
			}
			s.mirror.refs.set(key, merged, true)
		}
	}
	return errs
}
