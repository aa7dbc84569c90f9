package lifecycle

import (
	"context"
	"errors"
	"testing"
)

func TestGroupStopsEveryMemberWhenOneFails(t *testing.T) {
	t.Parallel()
	g, _ := NewGroup(context.Background())
	boom := errors.New("boom")
	stopped := make(chan struct{})
	g.Go("waiter", func(ctx context.Context) error {
		<-ctx.Done()
		close(stopped)
		return ctx.Err()
	})
	g.Go("failer", func(context.Context) error { return boom })
	err := g.Wait()
	if !errors.Is(err, boom) {
		t.Fatalf("Wait = %v", err)
	}
	<-stopped
}

func TestGroupEndsCleanlyWhenParentIsCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	g, _ := NewGroup(ctx)
	g.Go("worker", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	cancel()
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}
