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
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
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

// Store is the MongoDB database of the store.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
}

// Connect connects to uri, uses database name and creates the indexes the store needs.
func Connect(ctx context.Context, uri, name string) (*Store, error) {
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5*time.Second).SetConnectTimeout(5*time.Second).SetMonitor(Monitor()))
	if err != nil {
		return nil, fmt.Errorf("connect mongodb: %w", err)
	}
	s := &Store{client: client, db: client.Database(name)}
	if err := s.EnsureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

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
