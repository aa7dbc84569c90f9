package sagaworker

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/pb"
	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

func startWorkers(t *testing.T, jobType string, h Handler) *fakeGateway {
	t.Helper()
	g, client := newFakeGateway(t)
	w := NewWithOptions(client, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Name: "test", RequestTimeout: time.Second})
	w.Handle(jobType, h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return g
}

func job(key int64, jobType string, retries int32, vars map[string]any) *pb.ActivatedJob {
	b, _ := json.Marshal(vars)
	return &pb.ActivatedJob{Key: key, Type: jobType, Retries: retries, ProcessInstanceKey: 7,
		Variables: string(b), CustomHeaders: "{}", Deadline: time.Now().Add(time.Minute).UnixMilli()}
}

func TestSuccessfulHandlerCompletesTheJobWithItsVariables(t *testing.T) {
	g := startWorkers(t, "lock-prices", func(_ context.Context, j Job) (map[string]any, error) {
		return map[string]any{"locked": j.Strings("price_ids")}, nil
	})
	g.enqueue(job(11, "lock-prices", 5, map[string]any{"price_ids": []string{"a", "b"}}))
	got := receive(t, g.completed)
	if got.JobKey != 11 {
		t.Fatalf("completed job %d, want 11", got.JobKey)
	}
	var vars map[string]any
	if err := json.Unmarshal([]byte(got.Variables), &vars); err != nil {
		t.Fatal(err)
	}
	if l, _ := vars["locked"].([]any); len(l) != 2 || l[0] != "a" {
		t.Fatalf("variables = %v", vars)
	}
}

func TestBusinessErrorThrowsPublicationFailed(t *testing.T) {
	g := startWorkers(t, "validate-specifications", func(context.Context, Job) (map[string]any, error) {
		return nil, BusinessErrorf("specification %s is retired", "s1")
	})
	g.enqueue(job(12, "validate-specifications", 5, nil))
	got := receive(t, g.thrown)
	if got.JobKey != 12 || got.ErrorCode != "PUBLICATION_FAILED" {
		t.Fatalf("throw error = %+v", got)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(got.Variables), &vars); err != nil {
		t.Fatal(err)
	}
	if vars["failure_reason"] != "specification s1 is retired" || vars["failed_step"] != "validate-specifications" {
		t.Fatalf("variables = %v", vars)
	}
}

func TestTechnicalErrorFailsTheJobWithBackoff(t *testing.T) {
	tests := []struct {
		name        string
		retries     int32
		wantRetries int32
		wantBackoff time.Duration
	}{
		{"first failure retries after one second", 5, 4, time.Second},
		{"third failure retries after four seconds", 3, 2, 4 * time.Second},
		{"last failure leaves no retries", 1, 0, 16 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := startWorkers(t, "create-store-entry", func(context.Context, Job) (map[string]any, error) {
				return nil, errors.New("mongo unavailable")
			})
			g.enqueue(job(13, "create-store-entry", tt.retries, nil))
			got := receive(t, g.failed)
			if got.Retries != tt.wantRetries || time.Duration(got.RetryBackOff)*time.Millisecond != tt.wantBackoff {
				t.Fatalf("fail job = retries %d backoff %dms, want %d %v", got.Retries, got.RetryBackOff, tt.wantRetries, tt.wantBackoff)
			}
			if got.ErrorMessage != "mongo unavailable" {
				t.Fatalf("error message = %q", got.ErrorMessage)
			}
		})
	}
}

func TestPanickingHandlerFailsTheJob(t *testing.T) {
	g := startWorkers(t, "unlock-prices", func(context.Context, Job) (map[string]any, error) {
		panic("boom")
	})
	g.enqueue(job(14, "unlock-prices", 5, nil))
	if got := receive(t, g.failed); got.JobKey != 14 || got.Retries != 4 {
		t.Fatalf("fail job = %+v", got)
	}
}

func TestHandlerContextContinuesTraceAndCarriesCorrelationID(t *testing.T) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	type seen struct {
		traceID, correlation string
	}
	ch := make(chan seen, 1)
	g := startWorkers(t, "confirm-publication", func(ctx context.Context, _ Job) (map[string]any, error) {
		ch <- seen{trace.SpanContextFromContext(ctx).TraceID().String(), correlation.FromContext(ctx)}
		return nil, nil
	})
	g.enqueue(job(15, "confirm-publication", 5, map[string]any{
		"correlation_id": "corr-1",
		"trace_context":  map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	}))
	got := receive(t, ch)
	if got.traceID != "4bf92f3577b34da6a3ce929d0e0e4736" || got.correlation != "corr-1" {
		t.Fatalf("context = %+v", got)
	}
	receive(t, g.completed)
}

func TestRunWithoutHandlersIsAnError(t *testing.T) {
	_, client := newFakeGateway(t)
	if err := New(client, nil).Run(context.Background()); err == nil {
		t.Fatal("want an error")
	}
}

func TestBackoffDoublesUpToThirtySeconds(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {5, 16 * time.Second}, {6, 30 * time.Second}, {40, 30 * time.Second}}
	for _, tt := range tests {
		if got := Backoff(tt.attempt); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestJobAccessorsReadJSONDecodedVariables(t *testing.T) {
	var vars map[string]any
	if err := json.Unmarshal([]byte(`{"id":"x","ids":["a",1,"b"],"tc":{"traceparent":"t"},"n":3}`), &vars); err != nil {
		t.Fatal(err)
	}
	j := Job{Variables: vars}
	if j.String("id") != "x" || j.String("n") != "" || j.String("missing") != "" {
		t.Fatal("String")
	}
	if s := j.Strings("ids"); len(s) != 2 || s[1] != "b" {
		t.Fatalf("Strings = %v", s)
	}
	if m := j.StringMap("tc"); m["traceparent"] != "t" {
		t.Fatalf("StringMap = %v", m)
	}
}

func TestAJobQueuedWhileAHandlerIsBusyIsHandledWithoutWaitingForIt(t *testing.T) {
	release := make(chan struct{})
	started := make(chan int64, 2)
	g := startWorkers(t, "create-store-entry", func(_ context.Context, j Job) (map[string]any, error) {
		started <- j.Key
		if j.Key == 1 {
			<-release // the first job is slow, e.g. waiting for a replica
		}
		return nil, nil
	})
	defer close(release)
	g.enqueue(job(1, "create-store-entry", 5, nil))
	if got := receive(t, started); got != 1 {
		t.Fatalf("first handled job %d, want 1", got)
	}
	g.enqueue(job(2, "create-store-entry", 5, nil))
	if got := receive(t, started); got != 2 {
		t.Fatalf("second handled job %d, want 2", got)
	}
	if got := receive(t, g.completed); got.JobKey != 2 {
		t.Fatalf("completed job %d first, want 2 (job 1 is still running)", got.JobKey)
	}
}
