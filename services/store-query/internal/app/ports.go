// Package app holds the store's use cases: applying events to the replicas and the store
// documents, the publication saga steps, search with its MongoDB fallback, index syncing and
// the rebuild from the write services. It declares the ports it needs.
package app

import (
	"context"
	"errors"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Outcome says what an upsert of a replica did.
type Outcome int

// Upsert outcomes.
const (
	// Applied: the replica was created or replaced by a newer version.
	Applied Outcome = iota + 1
	// Same: the store already holds exactly this version (a redelivery).
	Same
	// Stale: the store holds a newer version; nothing changed.
	Stale
)

// Replicas stores the store's copies of the write services' entities. Every Upsert writes only
// when the incoming version is newer than the stored one.
type Replicas interface {
	UpsertCharacteristic(ctx context.Context, c domain.Characteristic) (Outcome, error)
	UpsertSpecification(ctx context.Context, s domain.Specification) (Outcome, error)
	UpsertPrice(ctx context.Context, p domain.Price) (Outcome, error)
	UpsertOffering(ctx context.Context, o domain.Offering) (Outcome, error)
	// Offering returns the offering replica or domain.ErrNotFound.
	Offering(ctx context.Context, id string) (domain.Offering, error)
	// Sources loads the given specifications, their characteristics and the given prices
	// (absent ones are simply missing from the maps).
	Sources(ctx context.Context, specIDs, priceIDs []string) (domain.Sources, error)
}

// ErrRevisionConflict reports that a document changed since it was read.
var ErrRevisionConflict = errors.New("store document revision conflict")

// Documents stores the denormalised store documents.
type Documents interface {
	// Get returns the document, visible or not, or domain.ErrNotFound.
	Get(ctx context.Context, id string) (domain.Document, error)
	// Revision returns the stored revision of document id, or domain.ErrNotFound.
	Revision(ctx context.Context, id string) (int64, error)
	// Put writes d if the stored revision is still expected (0: the document must not exist),
	// storing it with revision expected+1. Else ErrRevisionConflict.
	Put(ctx context.Context, d domain.Document, expected int64) error
	// Delete removes the document; it reports whether one existed.
	Delete(ctx context.Context, id string) (bool, error)
	// IDsUsing lists the ids of documents referencing the entity.
	IDsUsing(ctx context.Context, kind domain.EntityKind, id string) ([]string, error)
}

// IndexQueue tracks what the search index still has to catch up with, so a search engine
// outage never loses an update. Only what the index refused is queued: a write that is
// interrupted before its index write is repaired by the event's redelivery or the saga job's
// retry, which re-build and re-index the document.
type IndexQueue interface {
	// Defer queues documents the index did not take, each at its Revision.
	Defer(ctx context.Context, docs ...domain.Document) error
	// MarkIndexed drops each entry that still has the given Revision (one write for all of
	// them where the store allows); an entry re-queued meanwhile at another revision stays.
	MarkIndexed(ctx context.Context, entries ...IndexEntry) error
	// PendingIndex returns up to limit queue entries.
	PendingIndex(ctx context.Context, limit int) ([]IndexEntry, error)
	// AddRemoval queues the removal of document id from the index.
	AddRemoval(ctx context.Context, id string) error
}

// IndexEntry is one queued document: the index must catch up with it at Revision or later
// (Revision -1: its removal from the index is pending).
type IndexEntry struct {
	ID       string
	Revision int64
}

// Index is the write side of the search engine.
type Index interface {
	// Index adds or replaces documents (bulk).
	Index(ctx context.Context, docs ...domain.Document) error
	// Remove deletes documents by id; unknown ids are not an error.
	Remove(ctx context.Context, ids ...string) error
}

// StagedIndex is an Index that makes writes searchable before they are on disk (bleve). The
// batcher uses it so the next batch does not wait for the engine's disk: the events of a batch
// are acknowledged only once the returned func reports their write durable.
type StagedIndex interface {
	Index
	// IndexStaged writes like Index but returns as soon as the documents are searchable; the
	// returned func waits until they would survive a crash (it may be called any number of
	// times, concurrently: the events of a batch share it).
	IndexStaged(ctx context.Context, docs ...domain.Document) (durable func(context.Context) error, err error)
	// RemoveStaged is IndexStaged for Remove.
	RemoveStaged(ctx context.Context, ids ...string) (durable func(context.Context) error, err error)
}

// Searcher runs a store query: full text, filters, sort, paging and facets over visible documents.
type Searcher interface {
	Search(ctx context.Context, q domain.Query) (domain.Result, error)
}

// VisibleReader reads what shoppers may see straight from the document store.
type VisibleReader interface {
	// GetVisible returns a published document or domain.ErrNotFound.
	GetVisible(ctx context.Context, id string) (domain.Document, error)
	// Searcher: the document store can answer queries itself (the degraded path).
	Searcher
}
