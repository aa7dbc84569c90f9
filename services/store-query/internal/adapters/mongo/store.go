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

// EnsureIndexes creates the secondary indexes (idempotent).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	keys := []string{"visible", "published_at"}
	models := make([]mongo.IndexModel, 0, len(keys))
	for _, k := range keys {
		models = append(models, mongo.IndexModel{Keys: bson.D{{Key: k, Value: 1}}})
	}
	if _, err := s.db.Collection(collDocuments).Indexes().CreateMany(ctx, models); err != nil {
		return fmt.Errorf("create store document indexes: %w", err)
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
