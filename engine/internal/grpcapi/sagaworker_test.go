package grpcapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/sagaworker"
)

func TestSagaworkerLibraryDrivesThePublicationAgainstTheEngine(t *testing.T) {
	h := newHarness(t)
	deployPublication(t, h)
	var mu sync.Mutex
	calls := map[string]int{}
	correlations := map[string]string{}
	record := func(ctx context.Context, job sagaworker.Job) int {
		mu.Lock()
		defer mu.Unlock()
		calls[job.Type]++
		correlations[job.Type] = correlation.FromContext(ctx)
		return calls[job.Type]
	}
	w := sagaworker.NewWithOptions(h.client, testLogger(), sagaworker.Options{Name: "test", RequestTimeout: 2 * time.Second})
	w.Handle("lock-prices", func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		if record(ctx, job) == 1 {
			return nil, errors.New("pricing database unavailable") // technical: retried after 1s
		}
		return map[string]any{"locked_price_ids": job.Strings("price_ids")}, nil
	})
	w.Handle("validate-specifications", func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		record(ctx, job)
		return nil, sagaworker.BusinessError("specification sp1 is retired")
	})
	for _, s := range []string{"create-store-entry", "confirm-publication", "delete-store-entry", "unlock-prices", "revert-offering-to-draft"} {
		w.Handle(s, func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
			record(ctx, job)
			return nil, nil
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("workers: %v", err)
		}
	})

	key := startPublication(t, h, "PT1M")
	d := h.waitState(key, "COMPLETED")
	if d.EndElementID != "EndEvent_PublicationFailed" {
		t.Fatalf("ended at %q", d.EndElementID)
	}
	var vars map[string]any
	if err := json.Unmarshal(d.Variables, &vars); err != nil {
		t.Fatal(err)
	}
	if vars["failure_reason"] != "specification sp1 is retired" || vars["failed_step"] != "validate-specifications" {
		t.Fatalf("failure variables = %v / %v", vars["failure_reason"], vars["failed_step"])
	}
	if ids, _ := vars["locked_price_ids"].([]any); len(ids) != 1 || ids[0] != "p1" {
		t.Fatalf("lock-prices result = %v", vars["locked_price_ids"])
	}
	mu.Lock()
	defer mu.Unlock()
	if calls["lock-prices"] != 2 || calls["create-store-entry"] != 0 || calls["confirm-publication"] != 0 ||
		calls["delete-store-entry"] != 1 || calls["unlock-prices"] != 1 || calls["revert-offering-to-draft"] != 1 {
		t.Fatalf("calls = %v", calls)
	}
	if correlations["revert-offering-to-draft"] != "c-1" {
		t.Fatalf("correlation id in handler ctx = %q", correlations["revert-offering-to-draft"])
	}
	for _, j := range d.Jobs {
		if j.Type == "lock-prices" && (j.ErrorMessage != "pricing database unavailable" || j.Retries != 4) {
			t.Fatalf("lock-prices job = %+v", j)
		}
	}
}
