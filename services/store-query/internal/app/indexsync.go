package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// IndexSyncer catches the search index up with the document store: documents the index
// refused, and removals that failed. It is what makes a search engine outage lose nothing.
type IndexSyncer struct {
	p     *Projector
	log   *slog.Logger
	batch int
}

// NewIndexSyncer wires a syncer for p's queue, documents and index that works in batches of
// batch documents.
func NewIndexSyncer(p *Projector, batch int) *IndexSyncer {
	if batch <= 0 {
		batch = 500
	}
	return &IndexSyncer{p: p, batch: batch, log: p.log}
}

// Run syncs every interval until ctx is done.
func (s *IndexSyncer) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "index sync", "error", err.Error())
			}
		}
	}
}

// Drain indexes every queued document and removes every queued removal from the index; it
// returns how many queue entries it settled.
func (s *IndexSyncer) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		pending, err := s.p.queue.PendingIndex(ctx, s.batch)
		if err != nil {
			return n, fmt.Errorf("list pending documents: %w", err)
		}
		if len(pending) == 0 {
			break
		}
		if err := s.settle(ctx, pending); err != nil {
			return n, err
		}
		n += len(pending)
		if len(pending) < s.batch {
			break
		}
	}
	return n, nil
}

// settle indexes the current state of the pending documents under their locks: a document
// re-written since it was listed is indexed as it is now, and no other writer can index a newer
// revision before this one lands (the projector indexes under the same locks).
func (s *IndexSyncer) settle(ctx context.Context, pending []IndexEntry) error {
	ids := make([]string, 0, len(pending))
	for _, e := range pending {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		defer s.p.locks.Lock(id)()
	}
	current := make([]domain.Document, 0, len(ids))
	for _, id := range ids {
		d, err := s.p.docs.Get(ctx, id)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			current = append(current, domain.Document{ID: id}) // gone: removed from the index
		case err != nil:
			return fmt.Errorf("read pending document %s: %w", id, err)
		default:
			current = append(current, d)
		}
	}
	visible, hidden := byVisibility(current)
	if len(visible) > 0 {
		if err := s.p.index.Index(ctx, visible...); err != nil {
			return fmt.Errorf("index %d documents: %w", len(visible), err)
		}
	}
	if len(hidden) > 0 {
		if err := s.p.index.Remove(ctx, hidden...); err != nil {
			return fmt.Errorf("remove %d hidden documents: %w", len(hidden), err)
		}
	}
	// The entries' own revisions: one re-queued meanwhile at a newer revision stays.
	if err := s.p.queue.MarkIndexed(ctx, pending...); err != nil {
		return fmt.Errorf("mark %d documents indexed: %w", len(pending), err)
	}
	return nil
}
