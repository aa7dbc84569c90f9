package engine

import (
	"context"
	"fmt"
	"time"
)

// PurgeHistory deletes process instances that ended before cutoff, with their element
// history, jobs, timers and incidents, and returns how many instances went.
func (e *Engine) PurgeHistory(ctx context.Context, cutoff time.Time) (int64, error) {
	// One statement: the foreign keys are checked at its end, after every delete.
	tag, err := e.pool.Exec(ctx, `
		WITH old AS (
			SELECT key FROM process_instances WHERE state <> 'ACTIVE' AND ended_at < $1 LIMIT 10000),
		i AS (DELETE FROM incidents WHERE instance_key IN (SELECT key FROM old)),
		t AS (DELETE FROM timers WHERE instance_key IN (SELECT key FROM old)),
		j AS (DELETE FROM jobs WHERE instance_key IN (SELECT key FROM old)),
		e AS (DELETE FROM element_instances WHERE instance_key IN (SELECT key FROM old))
		DELETE FROM process_instances WHERE key IN (SELECT key FROM old)`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("purge history: %w", err)
	}
	return tag.RowsAffected(), nil
}

// retentionLoop purges ended instances older than the retention every hour.
func (e *Engine) retentionLoop(ctx context.Context) {
	if e.opts.HistoryRetention <= 0 {
		return
	}
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := e.PurgeHistory(ctx, e.opts.Now().Add(-e.opts.HistoryRetention)); err != nil {
			if ctx.Err() == nil {
				e.log.WarnContext(ctx, "purge history", "error", err)
			}
		} else if n > 0 {
			e.log.InfoContext(ctx, "purged ended process instances", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
