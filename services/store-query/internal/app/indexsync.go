package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// IndexSyncer catches the search index up with the document store: documents whose latest
// revision is not indexed, and removals that failed. It is what makes a search engine outage
// lose nothing.
type IndexSyncer struct {
	queue IndexQueue
	index Index
	log   *slog.Logger
	batch int
}

// NewIndexSyncer wires a syncer that works in batches of batch documents.
func NewIndexSyncer(q IndexQueue, i Index, batch int, log *slog.Logger) *IndexSyncer {
	if batch <= 0 {
		batch = 500
	}
	return &IndexSyncer{queue: q, index: i, batch: batch, log: log}
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
		docs, err := s.queue.PendingIndex(ctx, s.batch)
		if err != nil {
			return n, fmt.Errorf("list pending documents: %w", err)
		}
		if len(docs) == 0 {
			break
		}
		visible, hidden := byVisibility(docs)
		if len(visible) > 0 {
			if err := s.index.Index(ctx, visible...); err != nil {
				return n, fmt.Errorf("index %d documents: %w", len(visible), err)
			}
		}
		if len(hidden) > 0 {
			if err := s.index.Remove(ctx, hidden...); err != nil {
				return n, fmt.Errorf("remove %d hidden documents: %w", len(hidden), err)
			}
		}
		if err := s.queue.MarkIndexed(ctx, docs...); err != nil {
			return n, fmt.Errorf("mark %d documents indexed: %w", len(docs), err)
		}
		n += len(docs)
		if len(docs) < s.batch {
			break
		}
	}
	return n, nil
}
