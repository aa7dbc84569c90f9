package mongo_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	mongodriver "go.mongodb.org/mongo-driver/mongo"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

// Events of one entity arrive out of order and at once (several consumer goroutines); the
// replica must end at the newest version whatever the interleaving. Only the by-id mode is
// run: on FerretDB the conditional mode fails this test (it ends at an older version now and
// then), because FerretDB runs a conditional replace as a query followed by a write without a
// transaction; that atomicity is MongoDB's to give, and the reason FerretDB gets WritesByID.
func TestConcurrentUpsertsKeepTheNewestVersion(t *testing.T) {
	s, _ := storetest.NewStoreWith(t, mongo.WritesByID)
	p := storetest.NewCatalog("race", 10, domain.StatusDraft).Price
	var wg sync.WaitGroup
	applied := make([]app.Outcome, 21)
	for v := int64(20); v >= 1; v-- {
		wg.Go(func() {
			pr := p
			pr.Version, pr.Value = v, float64(v)
			out, err := s.UpsertPrice(ctx(t), pr)
			if err != nil {
				t.Error(err)
			}
			applied[v] = out
		})
	}
	wg.Wait()
	src, err := s.Sources(ctx(t), nil, []string{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := src.Prices[p.ID]; got.Version != 20 || got.Value != 20 {
		t.Fatalf("stored price = v%d %v, want v20 20", got.Version, got.Value)
	}
	if applied[20] != app.Applied {
		t.Fatalf("the newest version was reported %v", applied[20])
	}
}

// Sources loads several specifications, characteristics and prices at once, skipping absent ids.
func TestSourcesLoadsManyAndSkipsAbsentIDs(t *testing.T) {
	bothWrites(t, func(t *testing.T, s *mongo.Store) {
		var specIDs, priceIDs []string
		for i := range 3 {
			c := storetest.NewCatalog(fmt.Sprintf("many %d", i), float64(i), domain.StatusDraft)
			for _, err := range []error{
				upsertErr(s.UpsertCharacteristic(ctx(t), c.Characteristic)),
				upsertErr(s.UpsertSpecification(ctx(t), c.Specification)),
				upsertErr(s.UpsertPrice(ctx(t), c.Price)),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			specIDs, priceIDs = append(specIDs, c.Specification.ID), append(priceIDs, c.Price.ID)
		}
		src, err := s.Sources(ctx(t), append(specIDs, "absent-spec", specIDs[0]), append(priceIDs, "absent-price"))
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Specifications) != 3 || len(src.Characteristics) != 3 || len(src.Prices) != 3 {
			t.Fatalf("loaded %d specifications, %d characteristics, %d prices; want 3 each",
				len(src.Specifications), len(src.Characteristics), len(src.Prices))
		}
	})
}

func upsertErr(_ app.Outcome, err error) error { return err }

// A document re-queued at a newer revision while the indexer worked on the older one must
// stay queued: marking the old revision indexed leaves it. Writing a document queues nothing:
// only what the index refuses is queued.
func TestMarkIndexedLeavesANewerQueueEntry(t *testing.T) {
	bothWrites(t, func(t *testing.T, s *mongo.Store) {
		d := buildDoc(t, storetest.NewCatalog("requeued", 5, domain.StatusPublished))
		if err := s.Put(ctx(t), d, 0); err != nil {
			t.Fatal(err)
		}
		if pending, err := s.PendingIndex(ctx(t), 10); err != nil || len(pending) != 0 {
			t.Fatalf("pending after a write = %+v, %v; want none", pending, err)
		}
		if err := s.Defer(ctx(t), withRevision(d, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx(t), d, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.Defer(ctx(t), withRevision(d, 2)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkIndexed(ctx(t), app.IndexEntry{ID: d.ID, Revision: 1}); err != nil {
			t.Fatal(err)
		}
		pending, err := s.PendingIndex(ctx(t), 10)
		if err != nil || len(pending) != 1 || pending[0] != (app.IndexEntry{ID: d.ID, Revision: 2}) {
			t.Fatalf("pending = %+v, %v; want the revision 2 entry", pending, err)
		}
		if err := s.MarkIndexed(ctx(t), app.IndexEntry{ID: d.ID, Revision: 2}); err != nil {
			t.Fatal(err)
		}
		if pending, err := s.PendingIndex(ctx(t), 10); err != nil || len(pending) != 0 {
			t.Fatalf("pending after marking revision 2 = %+v, %v; want none", pending, err)
		}
		if err := s.MarkIndexed(ctx(t), app.IndexEntry{ID: "no-such-document", Revision: 1}); err != nil {
			t.Fatalf("marking an unknown document: %v", err)
		}
	})
}

// References follow the document: a new price is recorded, old ones stay (re-building a
// document that no longer uses an entity is harmless), and the invisible document is not
// returned by GetVisible.
func TestReferencesAndVisibility(t *testing.T) {
	bothWrites(t, func(t *testing.T, s *mongo.Store) {
		c := storetest.NewCatalog("refs", 5, domain.StatusPublishing)
		d := buildDoc(t, c)
		if err := s.Put(ctx(t), d, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetVisible(ctx(t), d.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("GetVisible of an invisible document = %v, want not found", err)
		}
		d.Pricing = append(d.Pricing, domain.DocPrice{ID: "second-price", Name: "Setup", Value: 1, Unit: "once", Currency: "EUR"})
		d.Visible = true
		if err := s.Put(ctx(t), d, 1); err != nil {
			t.Fatal(err)
		}
		for _, priceID := range []string{c.Price.ID, "second-price"} {
			ids, err := s.IDsUsing(ctx(t), domain.KindPrice, priceID)
			if err != nil || !slices.Equal(ids, []string{d.ID}) {
				t.Fatalf("IDsUsing(%s) = %v, %v", priceID, ids, err)
			}
		}
		if got, err := s.GetVisible(ctx(t), d.ID); err != nil || got.Revision != 2 {
			t.Fatalf("GetVisible = rev %d, %v", got.Revision, err)
		}
		if ok, err := s.Delete(ctx(t), d.ID); err != nil || !ok {
			t.Fatalf("delete = %v, %v", ok, err)
		}
		if err := s.Put(ctx(t), d, 2); !errors.Is(err, app.ErrRevisionConflict) {
			t.Fatalf("put at the revision of a deleted document = %v, want conflict", err)
		}
	})
}

func buildDoc(t *testing.T, c storetest.Catalog) domain.Document {
	t.Helper()
	d, err := domain.Build(c.Offering, domain.Sources{
		Specifications:  map[string]domain.Specification{c.Specification.ID: c.Specification},
		Characteristics: map[string]domain.Characteristic{c.Characteristic.ID: c.Characteristic},
		Prices:          map[string]domain.Price{c.Price.ID: c.Price},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func withRevision(d domain.Document, rev int64) domain.Document {
	d.Revision = rev
	return d
}

// Documents created at once share their specification's and characteristic's reference
// entries; every one of them is recorded, in the database and in what the store answers. Only
// the by-id mode is run: FerretDB runs an upsert as a query followed by a write without a
// transaction, so concurrent $addToSet upserts of one entry lose documents there (the
// conditional mode fails this test on FerretDB, as the by-id mode did before it serialised and
// combined them).
func TestConcurrentDocumentsAllRecordTheirReferences(t *testing.T) {
	s, _ := storetest.NewStoreWith(t, mongo.WritesByID)
	shared := storetest.NewCatalog("shared refs", 5, domain.StatusPublished)
	const docs = 20
	want := make([]string, docs)
	var wg sync.WaitGroup
	for k := range docs {
		c := storetest.NewCatalog(fmt.Sprintf("refs %d", k), 5, domain.StatusPublished)
		c.Specification, c.Characteristic = shared.Specification, shared.Characteristic
		c.Offering.SpecificationIDs = shared.Offering.SpecificationIDs
		want[k] = c.Offering.ID
		wg.Go(func() {
			if err := s.Put(ctx(t), buildDoc(t, c), 0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	slices.Sort(want)
	fresh, err := mongo.ConnectWith(ctx(t), storetest.URI(), s.Database().Name(), s.Writes())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fresh.Close(ctx(t)) })
	for name, store := range map[string]*mongo.Store{"this store": s, "the database": fresh} {
		for _, ref := range []struct {
			kind domain.EntityKind
			id   string
		}{{domain.KindSpecification, shared.Specification.ID}, {domain.KindCharacteristic, shared.Characteristic.ID}} {
			ids, err := store.IDsUsing(ctx(t), ref.kind, ref.id)
			slices.Sort(ids)
			if err != nil || !slices.Equal(ids, want) {
				t.Errorf("%s: IDsUsing(%s) = %d ids, %v; want the %d documents", name, ref.kind, len(ids), err, docs)
			}
		}
	}
}

// A document deleted behind the store's back (another process) makes the next Put a conflict,
// not a write reported done; the store then reads the document again.
func TestPutOfADocumentDeletedElsewhereIsAConflict(t *testing.T) {
	bothWrites(t, func(t *testing.T, s *mongo.Store) {
		d := buildDoc(t, storetest.NewCatalog("deleted elsewhere", 5, domain.StatusPublished))
		if err := s.Put(ctx(t), d, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Database().Collection("store_offerings").DeleteOne(ctx(t), map[string]string{"_id": d.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx(t), d, 1); !errors.Is(err, app.ErrRevisionConflict) {
			t.Fatalf("put over a document deleted elsewhere = %v, want a conflict", err)
		}
		if _, err := s.Revision(ctx(t), d.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("revision after the conflict = %v, want not found", err)
		}
		if err := s.Put(ctx(t), d, 0); err != nil {
			t.Fatalf("re-creating it: %v", err)
		}
	})
}

// A document keeps its nested parts in one packed body; one written before the body (nested
// parts as fields of their own) still reads the same, and its next write packs it.
func TestDocumentsWrittenBeforeTheBodyStillRead(t *testing.T) {
	bothWrites(t, func(t *testing.T, s *mongo.Store) {
		cat := storetest.NewCatalog("unpacked", 12.5, domain.StatusPublished)
		d := buildDoc(t, cat)
		if err := s.Put(ctx(t), d, 0); err != nil {
			t.Fatal(err)
		}
		want, err := s.Get(ctx(t), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		coll := s.Database().Collection("store_offerings")
		raw := storedPacked(t, coll, d.ID, "stored")
		// The same document as the store wrote it before the body.
		c := cat.Characteristic
		delete(raw, "body")
		raw["specifications"] = bson.A{bson.M{"id": cat.Specification.ID, "name": cat.Specification.Name,
			"characteristics": bson.A{bson.M{"id": c.ID, "name": c.Name, "value": c.Value, "unit": c.Unit}}}}
		raw["pricing"] = bson.A{bson.M{"id": cat.Price.ID, "name": cat.Price.Name, "value": cat.Price.Value,
			"unit": cat.Price.Unit, "currency": cat.Price.Currency}}
		raw["versions"] = bson.M{"offering": d.Versions.Offering, "specifications": d.Versions.Specifications,
			"characteristics": d.Versions.Characteristics, "prices": d.Versions.Prices}
		if _, err := coll.ReplaceOne(ctx(t), bson.M{"_id": d.ID}, raw); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx(t), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("unpacked document reads\n%+v\nwant\n%+v", got, want)
		}
		if err := s.Put(ctx(t), d, 1); err != nil {
			t.Fatal(err)
		}
		storedPacked(t, coll, d.ID, "re-written")
	})
}

// storedPacked reads document id as stored and fails unless its nested parts are packed.
func storedPacked(t *testing.T, coll *mongodriver.Collection, id, what string) bson.M {
	t.Helper()
	var raw bson.M
	if err := coll.FindOne(ctx(t), bson.M{"_id": id}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if _, nested := raw["specifications"]; nested || raw["body"] == "" {
		t.Fatalf("%s document is not packed: %v", what, raw)
	}
	return raw
}
