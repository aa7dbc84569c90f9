package engine

import (
	"context"
	"fmt"
	"time"
)

// PostgreSQL channels that wake other engine replicas (in-process waiters are woken directly).
const (
	channelJobs   = "saga_engine_jobs"   // payload: job type
	channelTimers = "saga_engine_timers" // payload: empty
)

// jobsChanged wakes this process's and other replicas' long polls for jobType after commit.
func (t *txn) jobsChanged(ctx context.Context, jobType string) error {
	t.fx.job(jobType)
	if _, err := t.tx.Exec(ctx, `SELECT pg_notify('`+channelJobs+`', $1)`, jobType); err != nil {
		return fmt.Errorf("notify %s: %w", jobType, err)
	}
	return nil
}

// listen relays notifications from other replicas to local waiters until ctx is done,
// reconnecting after errors.
func (e *Engine) listen(ctx context.Context) error {
	for {
		err := e.listenOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		e.log.WarnContext(ctx, "listen for engine notifications; retrying", "error", err)
		timer := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

func (e *Engine) listenOnce(ctx context.Context) error {
	conn, err := e.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	defer conn.Release()
	for _, ch := range []string{channelJobs, channelTimers} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return fmt.Errorf("listen %s: %w", ch, err)
		}
	}
	defer func() {
		// Do not return a connection that still listens to the pool.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "UNLISTEN *")
	}()
	e.listeningOnce.Do(func() { close(e.listening) })
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		switch n.Channel {
		case channelJobs:
			e.jobSignals.notify(n.Payload)
		case channelTimers:
			select {
			case e.timerWake <- struct{}{}:
			default:
			}
		}
	}
}

// Listening is closed once the engine receives other replicas' notifications.
func (e *Engine) Listening() <-chan struct{} { return e.listening }
