package sagaworker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestAnOutcomeIsRetriedWhileTheEngineIsUnreachable(t *testing.T) {
	t.Parallel()
	w := &Workers{log: slog.New(slog.NewTextHandler(io.Discard, nil)), opts: Options{JobTimeout: 10 * time.Second}}
	calls := 0
	err := w.deliver(context.Background(), context.Background(), func(context.Context) error {
		calls++
		if calls < 3 {
			return status.Error(codes.Unavailable, "engine restarting")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("deliver = %v after %d calls, want success on the third", err, calls)
	}
}

func TestARefusedOutcomeIsNotRetried(t *testing.T) {
	t.Parallel()
	w := &Workers{log: slog.New(slog.NewTextHandler(io.Discard, nil)), opts: Options{JobTimeout: 10 * time.Second}}
	calls := 0
	refused := status.Error(codes.NotFound, "job gone")
	err := w.deliver(context.Background(), context.Background(), func(context.Context) error { calls++; return refused })
	if !errors.Is(err, refused) || calls != 1 {
		t.Fatalf("deliver = %v after %d calls, want the refusal at once", err, calls)
	}
}

func TestDeliveryGivesUpWhenTheJobTimesOut(t *testing.T) {
	t.Parallel()
	w := &Workers{log: slog.New(slog.NewTextHandler(io.Discard, nil)), opts: Options{JobTimeout: 300 * time.Millisecond}}
	err := w.deliver(context.Background(), context.Background(), func(context.Context) error { return status.Error(codes.Unavailable, "down") })
	if err == nil || status.Code(errors.Unwrap(err)) != codes.Unavailable {
		t.Fatalf("deliver = %v, want a give-up wrapping Unavailable", err)
	}
}

// On shutdown the engine may be going down too: the outcome is retried for ShutdownGrace, not
// for the whole job timeout, so the service stops in time.
func TestDeliveryStopsRetryingShortlyAfterShutdown(t *testing.T) {
	t.Parallel()
	w := &Workers{log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		opts: Options{JobTimeout: time.Minute, ShutdownGrace: 200 * time.Millisecond}}
	runCtx, stop := context.WithCancel(context.Background())
	stop()
	done := make(chan error, 1)
	go func() {
		done <- w.deliver(context.Background(), runCtx, func(context.Context) error { return status.Error(codes.Unavailable, "down") })
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("deliver reported success with the engine down")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("deliver kept retrying long after shutdown began (job timeout is a minute)")
	}
}
