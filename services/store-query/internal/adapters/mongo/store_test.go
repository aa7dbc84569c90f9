package mongo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// bothWrites runs a test against each write mode: the conditional filters MongoDB applies
// atomically and the by-_id checks used on FerretDB.
func bothWrites(t *testing.T, test func(t *testing.T, s *mongo.Store)) {
	for _, w := range []mongo.Writes{mongo.WritesConditional, mongo.WritesByID} {
		t.Run(w.String(), func(t *testing.T) {
			s, _ := storetest.NewStoreWith(t, w)
			test(t, s)
		})
	}
}

func TestFerretDBIsDetectedAndWrittenByID(t *testing.T) {
	s, _ := storetest.NewStore(t)
	if s.Writes() != mongo.WritesByID {
		t.Fatalf("write mode on FerretDB = %v, want by-id", s.Writes())
	}
}

func TestReplicaUpsertIsVersionAware(t *testing.T) { bothWrites(t, testReplicaUpsertIsVersionAware) }

func testReplicaUpsertIsVersionAware(t *testing.T, s *mongo.Store) {
	c := storetest.NewCatalog("x", 10, domain.StatusDraft).Characteristic
	steps := []struct {
		name    string
		version int64
		value   string
		want    app.Outcome
		stored  string
	}{
		{"a new characteristic is applied", 2, "100", app.Applied, "100"},
		{"the same version again is reported as same", 2, "100", app.Same, "100"},
		{"an older version is stale and changes nothing", 1, "50", app.Stale, "100"},
		{"a newer version replaces the replica", 3, "200", app.Applied, "200"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			c.Version, c.Value = st.version, st.value
			got, err := s.UpsertCharacteristic(ctx(t), c)
			if err != nil {
				t.Fatal(err)
			}
			if got != st.want {
				t.Fatalf("outcome = %v, want %v", got, st.want)
			}
			src, err := s.Sources(ctx(t), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			_ = src
			spec := domain.Specification{ID: "s-" + c.ID, CharacteristicIDs: []string{c.ID}, Version: 1}
			if _, err := s.UpsertSpecification(ctx(t), spec); err != nil {
				t.Fatal(err)
			}
			src, err = s.Sources(ctx(t), []string{spec.ID}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if src.Characteristics[c.ID].Value != st.stored {
				t.Fatalf("stored value = %q, want %q", src.Characteristics[c.ID].Value, st.stored)
			}
		})
	}
}

func TestDocumentPutIsCompareAndSwap(t *testing.T) { bothWrites(t, testDocumentPutIsCompareAndSwap) }

func testDocumentPutIsCompareAndSwap(t *testing.T, s *mongo.Store) {
	cat := storetest.NewCatalog("Fiber 100", 30, domain.StatusPublished)
	d, err := domain.Build(cat.Offering, domain.Sources{
		Specifications:  map[string]domain.Specification{cat.Specification.ID: cat.Specification},
		Characteristics: map[string]domain.Characteristic{cat.Characteristic.ID: cat.Characteristic},
		Prices:          map[string]domain.Price{cat.Price.ID: cat.Price},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx(t), d, 0); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := s.Put(ctx(t), d, 0); !errors.Is(err, app.ErrRevisionConflict) {
		t.Fatalf("second insert = %v, want conflict", err)
	}
	if err := s.Put(ctx(t), d, 1); err != nil {
		t.Fatalf("update at revision 1: %v", err)
	}
	if err := s.Put(ctx(t), d, 1); !errors.Is(err, app.ErrRevisionConflict) {
		t.Fatalf("update at old revision = %v, want conflict", err)
	}
	got, err := s.GetVisible(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 || got.Pricing[0].Value != 30 || got.Specifications[0].Characteristics[0].Value != "100" {
		t.Fatalf("stored document = %+v", got)
	}
	ids, err := s.IDsUsing(ctx(t), domain.KindPrice, cat.Price.ID)
	if err != nil || len(ids) != 1 || ids[0] != d.ID {
		t.Fatalf("IDsUsing price = %v, %v", ids, err)
	}
	res, err := s.Search(ctx(t), domain.Query{Text: "fiber", Characteristics: []domain.CharacteristicFilter{{Name: "Internet Speed", Value: "100"}}, Limit: 10, Sort: domain.SortRelevance})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Facets.Channels) != 1 || len(res.Facets.Characteristics) != 1 || len(res.Facets.PriceRanges) != 1 {
		t.Fatalf("search = %+v", res)
	}
}

func TestIdempotencyStoreRemembersProcessedEvents(t *testing.T) {
	s, _ := storetest.NewStore(t)
	idem := s.Idempotency()
	done, err := idem.Processed(ctx(t), "g", "e1")
	if err != nil || done {
		t.Fatalf("before marking: %v, %v", done, err)
	}
	for range 2 {
		if err := idem.MarkProcessed(ctx(t), "g", "e1"); err != nil {
			t.Fatalf("mark: %v", err)
		}
	}
	done, err = idem.Processed(ctx(t), "g", "e1")
	if err != nil || !done {
		t.Fatalf("after marking: %v, %v", done, err)
	}
	done, err = idem.Processed(ctx(t), "other", "e1")
	if err != nil || done {
		t.Fatalf("another group: %v, %v", done, err)
	}
}

// A restarted or second store-query process ensures indexes that already exist; FerretDB
// drops the connection when asked to create an existing index, so this must not ask.
func TestEnsuringIndexesAgainIsHarmless(t *testing.T) {
	s, _ := storetest.NewStore(t)
	for i := 0; i < 3; i++ {
		if err := s.EnsureIndexes(ctx(t)); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("store unusable after ensuring indexes again: %v", err)
	}
}

// The idempotency store tells an event newer than the replica this process holds as new (no
// lookup needed); anything else it leaves to Processed. Only the by-id mirror knows.
func TestIdempotencyTellsEventsNewerThanTheReplicaAsNew(t *testing.T) {
	bothWrites(t, func(t *testing.T, s *mongo.Store) {
		cat := storetest.NewCatalog("teller", 5, domain.StatusPublished)
		pr := cat.Price
		pr.Version = 3
		if _, err := s.UpsertPrice(ctx(t), pr); err != nil {
			t.Fatal(err)
		}
		idem := s.Idempotency()
		event := func(eventType, id string, version int64) messaging.Envelope {
			return messaging.Envelope{EventID: uuid.NewString(), EventType: eventType, EntityID: id, EntityVersion: version}
		}
		byID := s.Writes() == mongo.WritesByID
		for _, tc := range []struct {
			name string
			e    messaging.Envelope
			want bool
		}{
			{"a newer price", event("PriceUpdated", pr.ID, 4), byID},
			{"the same price version", event("PriceUpdated", pr.ID, 3), false},
			{"an older price version", event("PriceUpdated", pr.ID, 2), false},
			{"an unknown price", event("PriceUpdated", uuid.NewString(), 9), false},
			{"another kind with the price's id", event("CharacteristicUpdated", pr.ID, 4), false},
			{"an unknown event type", event("SomethingHappened", pr.ID, 4), false},
		} {
			if got := idem.Unprocessed("store-query", tc.e); got != tc.want {
				t.Errorf("%s: Unprocessed = %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}
