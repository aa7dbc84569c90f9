package lifecycle

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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

func TestProbeSucceedsOnlyOnA200(t *testing.T) {
	t.Parallel()
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health/ready" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer ok.Close()
	if err := probe([]string{ok.URL + "/health/ready"}); err != nil {
		t.Fatalf("healthy service: %v", err)
	}
	if err := probe([]string{ok.URL + "/other"}); err == nil {
		t.Fatal("a 503 must fail the probe")
	}
	ok.Close()
	if err := probe([]string{ok.URL + "/health/ready"}); err == nil {
		t.Fatal("a closed server must fail the probe")
	}
}
