package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// timerLoop fires due timers until ctx is done. It sleeps until the next due timer, a
// wake-up from a transaction that created timers, or TimerPollMax.
func (e *Engine) timerLoop(ctx context.Context) error {
	for {
		wait, err := e.fireDueTimers(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			e.log.ErrorContext(ctx, "fire timers", "error", err)
			wait = time.Second
		}
		wait = min(wait, e.opts.TimerPollMax)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-e.timerWake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// fireDueTimers fires every due timer and returns the time until the next one.
func (e *Engine) fireDueTimers(ctx context.Context) (time.Duration, error) {
	for {
		rows, err := e.pool.Query(ctx, `SELECT key, instance_key FROM timers WHERE state = 'ACTIVE' AND due_at <= now()
			ORDER BY due_at LIMIT 100`)
		if err != nil {
			return 0, fmt.Errorf("due timers: %w", err)
		}
		type due struct{ key, inst int64 }
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (due, error) {
			var d due
			return d, r.Scan(&d.key, &d.inst)
		})
		if err != nil {
			return 0, fmt.Errorf("due timers: %w", err)
		}
		for _, d := range list {
			if err := e.fireTimer(ctx, d.key, d.inst); err != nil {
				return 0, err
			}
		}
		if len(list) < 100 {
			break
		}
	}
	var next *time.Time
	if err := e.pool.QueryRow(ctx, `SELECT min(due_at) FROM timers WHERE state = 'ACTIVE'`).Scan(&next); err != nil {
		return 0, fmt.Errorf("next timer: %w", err)
	}
	if next == nil {
		return e.opts.TimerPollMax, nil
	}
	return max(time.Until(*next), time.Millisecond), nil
}

// fireTimer interrupts the activity the timer's boundary event is attached to.
func (e *Engine) fireTimer(ctx context.Context, timerKey, instKey int64) error {
	return e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		t, err := e.begin(ctx, tx, fx, instKey)
		if err != nil {
			return err
		}
		var state, boundaryID string
		var hostKey int64
		if err := tx.QueryRow(ctx, `SELECT state, boundary_id, element_instance_key FROM timers WHERE key = $1 FOR UPDATE`, timerKey).
			Scan(&state, &boundaryID, &hostKey); err != nil {
			return fmt.Errorf("lock timer %d: %w", timerKey, err)
		}
		if state != stateActive {
			return nil // another replica fired it, or its activity ended
		}
		if _, err := tx.Exec(ctx, `UPDATE timers SET state = 'FIRED' WHERE key = $1`, timerKey); err != nil {
			return fmt.Errorf("fire timer %d: %w", timerKey, err)
		}
		host, err := t.loadElemInst(ctx, hostKey)
		if err != nil {
			return err
		}
		if host.state != stateActive || t.inst.state != stateActive {
			return nil
		}
		b := t.def.Element(boundaryID)
		if b == nil {
			return fmt.Errorf("timer %d names unknown boundary event %q", timerKey, boundaryID)
		}
		e.log.InfoContext(ctx, "timer fired", "process_instance_key", instKey, "boundary_event", boundaryID)
		return t.triggerBoundary(ctx, b, host)
	})
}
