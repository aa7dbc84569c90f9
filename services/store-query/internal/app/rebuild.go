package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Source reads the current state of every entity from the write services.
type Source interface {
	Characteristics(ctx context.Context) ([]domain.Characteristic, error)
	Specifications(ctx context.Context) ([]domain.Specification, error)
	Prices(ctx context.Context) ([]domain.Price, error)
	Offerings(ctx context.Context) ([]domain.Offering, error)
}

// Resetter empties a store or an index.
type Resetter interface {
	Reset(ctx context.Context) error
}

// RebuildReport counts what a rebuild loaded and produced.
type RebuildReport struct {
	Characteristics, Specifications, Prices, Offerings int
	Documents, Indexed                                 int
}

// Rebuilder rebuilds the read model and the search index from scratch.
type Rebuilder struct {
	source    Source
	store     Resetter
	index     Resetter
	projector *Projector
	syncer    *IndexSyncer
	log       *slog.Logger
}

// NewRebuilder wires a rebuilder.
func NewRebuilder(src Source, store, index Resetter, p *Projector, s *IndexSyncer, log *slog.Logger) *Rebuilder {
	return &Rebuilder{source: src, store: store, index: index, projector: p, syncer: s, log: log}
}

// Run reads everything from the source first (so an unreachable write service changes
// nothing), then empties the store and the index, loads the replicas, builds a document for
// every PUBLISHED offering and bulk-indexes them.
func (r *Rebuilder) Run(ctx context.Context) (RebuildReport, error) {
	var rep RebuildReport
	chars, err := r.source.Characteristics(ctx)
	if err != nil {
		return rep, fmt.Errorf("read characteristics: %w", err)
	}
	specs, err := r.source.Specifications(ctx)
	if err != nil {
		return rep, fmt.Errorf("read specifications: %w", err)
	}
	prices, err := r.source.Prices(ctx)
	if err != nil {
		return rep, fmt.Errorf("read prices: %w", err)
	}
	offerings, err := r.source.Offerings(ctx)
	if err != nil {
		return rep, fmt.Errorf("read offerings: %w", err)
	}
	if err := r.store.Reset(ctx); err != nil {
		return rep, fmt.Errorf("reset store: %w", err)
	}
	if err := r.index.Reset(ctx); err != nil {
		return rep, fmt.Errorf("reset search index: %w", err)
	}
	rp := r.projector.replicas
	for _, c := range chars {
		if _, err := rp.UpsertCharacteristic(ctx, c); err != nil {
			return rep, fmt.Errorf("load characteristic %s: %w", c.ID, err)
		}
	}
	for _, s := range specs {
		if _, err := rp.UpsertSpecification(ctx, s); err != nil {
			return rep, fmt.Errorf("load specification %s: %w", s.ID, err)
		}
	}
	for _, p := range prices {
		if _, err := rp.UpsertPrice(ctx, p); err != nil {
			return rep, fmt.Errorf("load price %s: %w", p.ID, err)
		}
	}
	rep.Characteristics, rep.Specifications, rep.Prices = len(chars), len(specs), len(prices)
	var written []domain.Document
	for _, o := range offerings {
		if _, err := rp.UpsertOffering(ctx, o); err != nil {
			return rep, fmt.Errorf("load offering %s: %w", o.ID, err)
		}
		rep.Offerings++
		if o.Status != domain.StatusPublished {
			continue
		}
		d, err := r.projector.build(ctx, o.ID, r.projector.replicas)
		if err != nil {
			r.log.WarnContext(ctx, "rebuild: offering skipped", "offering_id", o.ID, "error", err.Error())
			continue
		}
		if err := r.projector.docs.Put(ctx, d, 0); err != nil {
			return rep, fmt.Errorf("write document %s: %w", o.ID, err)
		}
		d.Revision = 1
		written = append(written, d)
		rep.Documents++
	}
	// Queued, then drained: what the index cannot take now stays queued for the service's
	// syncer.
	if err := r.projector.queue.Defer(ctx, written...); err != nil {
		return rep, fmt.Errorf("queue documents for the search index: %w", err)
	}
	n, err := r.syncer.Drain(ctx)
	rep.Indexed = n
	if err != nil {
		return rep, fmt.Errorf("index documents: %w", err)
	}
	return rep, nil
}
