// Package mongo is the store's MongoDB adapter (mongo-driver v1.17; FerretDB on one machine):
// the entity replicas, the store documents with their index queue, the processed-events
// idempotency store and the degraded-mode search.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/libs/chassis/keyedlock"
)

// Collection names.
const (
	collCharacteristics = "characteristics"
	collSpecifications  = "specifications"
	collPrices          = "prices"
	collOfferings       = "offerings"
	collDocuments       = "store_offerings"
	collQueue           = "index_queue"
	collRefs            = "references"
	collProcessed       = "processed_events"
)

var allCollections = []string{
	collCharacteristics, collSpecifications, collPrices, collOfferings, collDocuments, collQueue, collRefs, collProcessed,
}

// Writes says how the store makes its conditional writes (a replica only if newer, a document
// only at the revision it was read at).
type Writes int

const (
	// WritesDetect picks by server: WritesByID on FerretDB, WritesConditional on MongoDB.
	WritesDetect Writes = iota
	// WritesConditional puts the condition in the write's filter; the server applies it
	// atomically, across processes.
	WritesConditional
	// WritesByID reads the record by _id, checks the condition here and writes by _id, under a
	// per-record lock of this process. FerretDB needs it: its SQLite backend pushes down to SQL
	// only a filter that is exactly {_id: value}, so any other filter scans and decodes the whole
	// collection, and since it runs a conditional update as a query followed by a write by _id,
	// without a transaction, the condition in the filter buys no atomicity there anyway.
	WritesByID
)

func (w Writes) String() string {
	switch w {
	case WritesConditional:
		return "conditional"
	case WritesByID:
		return "by-id"
	default:
		return "detect"
	}
}

// Store is the MongoDB database of the store.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	writes Writes
	// records serialises the read-check-write sequences of WritesByID per collection and _id.
	records keyedlock.Map
	// mirror is WritesByID's copy of what the write paths read (mirror.go).
	mirror mirror
	// refAdds joins the reference writes of WritesByID (writeRefs); queueWrites and docWrites
	// join its index queue entries and its documents.
	refAdds                *combiner[refAdd]
	queueWrites, docWrites *combiner[mongo.WriteModel]
	replicaWrites          map[string]*combiner[mongo.WriteModel] // by collection
}

// Connect connects to uri, uses database name, picks the write mode by server and creates the
// indexes the store needs.
func Connect(ctx context.Context, uri, name string) (*Store, error) {
	return ConnectWith(ctx, uri, name, WritesDetect)
}

// Option adjusts a connection.
type Option func(*event.CommandMonitor)

// ObserveCommands calls observe with the name and collection of every command the store
// sends (tests count the round trips of a use case with it).
func ObserveCommands(observe func(command, collection string)) Option {
	return func(m *event.CommandMonitor) {
		started := m.Started
		m.Started = func(ctx context.Context, e *event.CommandStartedEvent) {
			collection, _ := e.Command.Lookup(e.CommandName).StringValueOK()
			observe(e.CommandName, collection)
			started(ctx, e)
		}
	}
}

// ConnectWith is Connect with an explicit write mode (tests run both).
func ConnectWith(ctx context.Context, uri, name string, writes Writes, opts ...Option) (*Store, error) {
	monitor := Monitor()
	for _, o := range opts {
		o(monitor)
	}
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5*time.Second).SetConnectTimeout(5*time.Second).SetMonitor(monitor))
	if err != nil {
		return nil, fmt.Errorf("connect mongodb: %w", err)
	}
	s := &Store{client: client, db: client.Database(name), writes: writes}
	s.refAdds = &combiner[refAdd]{write: s.writeRefs}
	s.queueWrites, s.docWrites = s.bulkCombiner(collQueue), s.bulkCombiner(collDocuments)
	s.replicaWrites = map[string]*combiner[mongo.WriteModel]{}
	for _, c := range []string{collCharacteristics, collSpecifications, collPrices, collOfferings} {
		s.replicaWrites[c] = s.bulkCombiner(c)
	}
	if s.writes == WritesDetect {
		if s.writes, err = detectWrites(ctx, s.db); err != nil {
			_ = client.Disconnect(context.WithoutCancel(ctx))
			return nil, err
		}
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// detectWrites asks the server who it is: FerretDB's buildInfo carries ferretdbVersion.
func detectWrites(ctx context.Context, db *mongo.Database) (Writes, error) {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return 0, fmt.Errorf("identify mongodb server: %w", err)
	}
	if _, ferret := info["ferretdbVersion"]; ferret {
		return WritesByID, nil
	}
	return WritesConditional, nil
}

// Writes reports the write mode in use.
func (s *Store) Writes() Writes { return s.writes }

// Close disconnects.
func (s *Store) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }

// Ping is the health check of the store.
func (s *Store) Ping(ctx context.Context) error { return s.client.Ping(ctx, nil) }

// EnsureIndexes creates the secondary indexes that are missing. It lists the existing ones
// first and creates only what is absent: FerretDB v1.24 drops the connection (an internal
// panic) when asked to create an index that already exists, which would stop every restart
// and every second replica of this service.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	coll := s.db.Collection(collDocuments)
	cur, err := coll.Indexes().List(ctx)
	if err != nil {
		return fmt.Errorf("list store document indexes: %w", err)
	}
	var existing []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &existing); err != nil {
		return fmt.Errorf("list store document indexes: %w", err)
	}
	have := make(map[string]bool, len(existing))
	for _, ix := range existing {
		have[ix.Name] = true
	}
	for _, k := range []string{"visible", "published_at"} {
		if have[k+"_1"] { // the default name of an ascending single-field index
			continue
		}
		if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: k, Value: 1}}}); err != nil {
			return fmt.Errorf("create store document index on %s: %w", k, err)
		}
	}
	return nil
}

// Reset drops every collection of the store and re-creates the indexes.
func (s *Store) Reset(ctx context.Context) error {
	s.mirror.clear()
	for _, c := range allCollections {
		if err := s.db.Collection(c).Drop(ctx); err != nil {
			return fmt.Errorf("drop %s: %w", c, err)
		}
	}
	return s.EnsureIndexes(ctx)
}

// Database exposes the database (tests inspect it).
func (s *Store) Database() *mongo.Database { return s.db }

func isDuplicate(err error) bool {
	return mongo.IsDuplicateKeyError(err)
}

func notFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }
