package outbox

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/libs/messaging"
)

// listen holds a dedicated connection LISTENing on NotifyChannel and wakes the relay on every
// notification; it reconnects with backoff and wakes the relay after each (re)connect, because
// notifications sent while it was away are lost (the poll would catch them anyway).
func (r *Relay) listen(ctx context.Context, wake chan<- struct{}) {
	for attempt := 1; ctx.Err() == nil; attempt++ {
		err := r.listenOnce(ctx, wake, func() { attempt = 0 })
		if ctx.Err() != nil {
			return
		}
		r.log.WarnContext(ctx, "outbox listener lost, reconnecting", "error", err.Error(), "attempt", attempt)
		_ = messaging.Sleep(ctx, r.cfg.Backoff.Delay(attempt))
	}
}

func (r *Relay) listenOnce(ctx context.Context, wake chan<- struct{}, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, r.pool.Config().ConnConfig)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		return err
	}
	connected()
	wakeUp(wake)
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wakeUp(wake)
	}
}

// pruneLoop deletes published rows older than Retention, in chunks, every PruneInterval.
func (r *Relay) pruneLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.PruneInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.Prune(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.WarnContext(ctx, "outbox prune failed", "error", err.Error())
		}
		if n > 0 {
			r.log.InfoContext(ctx, "outbox pruned", "rows", n)
		}
	}
}

// Prune deletes published rows older than the retention now and returns how many went.
func (r *Relay) Prune(ctx context.Context) (int64, error) {
	const chunk = 5000
	var total int64
	for {
		tag, err := r.pool.Exec(ctx, `
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox
    WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)
    LIMIT $2)`, r.cfg.Retention.Seconds(), chunk)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		prunedTotal.Add(float64(tag.RowsAffected()))
		if tag.RowsAffected() < chunk {
			return total, nil
		}
	}
}

// metricsLoop refreshes the pending gauges every MetricsInterval.
func (r *Relay) metricsLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.MetricsInterval)
	defer t.Stop()
	for {
		if _, _, err := r.Pending(ctx); err != nil && ctx.Err() == nil {
			r.log.DebugContext(ctx, "outbox pending metrics", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pending returns the number of unpublished rows and the age of the oldest, and updates the
// pending gauges.
func (r *Relay) Pending(ctx context.Context) (count int64, oldest time.Duration, err error) {
	var secs float64
	err = r.pool.QueryRow(ctx, `
SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
FROM outbox WHERE published_at IS NULL`).Scan(&count, &secs)
	if err != nil {
		return 0, 0, err
	}
	pendingGauge.Set(float64(count))
	oldestPendingGauge.Set(secs)
	return count, time.Duration(secs * float64(time.Second)), nil
}
