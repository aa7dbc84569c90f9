package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// UnavailableError reports that neither the search engine nor the document store could answer.
// Its message is safe to show; the cause is kept for logs.
type UnavailableError struct{ Cause error }

func (e *UnavailableError) Error() string { return "the store is temporarily unavailable" }

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Cause }

// Degraded names the engine that answered instead of the search engine ("" when not degraded).
type Degraded string

// DegradedMongo means the search engine failed and the document store answered.
const DegradedMongo Degraded = "mongodb"

// Catalog answers shoppers' reads: search through the search engine, falling back to the
// document store when the engine fails, and single documents from the store.
type Catalog struct {
	engine Searcher
	store  VisibleReader
	log    *slog.Logger
}

// NewCatalog wires the read use cases.
func NewCatalog(engine Searcher, store VisibleReader, log *slog.Logger) *Catalog {
	return &Catalog{engine: engine, store: store, log: log}
}

// Search runs q on the search engine; if the engine fails it answers from the document store and
// reports the degradation. Only a failure of both is an error.
func (c *Catalog) Search(ctx context.Context, q domain.Query) (domain.Result, Degraded, error) {
	res, err := c.engine.Search(ctx, q)
	if err == nil {
		return res, "", nil
	}
	if ctx.Err() != nil {
		return domain.Result{}, "", fmt.Errorf("search: %w", ctx.Err())
	}
	c.log.WarnContext(ctx, "search engine failed, answering from mongodb", "error", err.Error())
	res, ferr := c.store.Search(ctx, q)
	if ferr != nil {
		c.log.ErrorContext(ctx, "mongodb fallback failed too", "error", ferr.Error())
		return domain.Result{}, "", &UnavailableError{Cause: fmt.Errorf("search engine: %v; fallback: %w", err, ferr)}
	}
	return res, DegradedMongo, nil
}

// Offering returns one published offering or domain.ErrNotFound.
func (c *Catalog) Offering(ctx context.Context, id string) (domain.Document, error) {
	d, err := c.store.GetVisible(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Document{}, fmt.Errorf("offering %s: %w", id, err)
	}
	if err != nil {
		c.log.ErrorContext(ctx, "read store document", "offering_id", id, "error", err.Error())
		return domain.Document{}, &UnavailableError{Cause: err}
	}
	return d, nil
}
