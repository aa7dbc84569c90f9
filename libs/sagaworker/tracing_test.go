package sagaworker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Not parallel: it installs the global tracer provider.
func TestEachJobIsASagaSpanChildOfTheTraceContextVariable(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	g := startWorkers(t, "validate-specifications", func(context.Context, Job) (map[string]any, error) { return nil, nil })
	j := job(21, "validate-specifications", 5, map[string]any{
		"trace_context": map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	})
	j.BpmnProcessId = "offering-publication"
	g.enqueue(j)
	receive(t, g.completed)
	eventuallyTrue(t, func() bool { return len(rec.Ended()) > 0 })
	s := rec.Ended()[0]
	if s.Name() != "SAGA offering-publication validate-specifications" {
		t.Errorf("span name = %q", s.Name())
	}
	if s.SpanContext().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || s.Parent().SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("span %s parent %s: not a child of the trace_context variable", s.SpanContext().TraceID(), s.Parent().SpanID())
	}
}

func TestJobOutcomesAreCounted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error
		outcome string
	}{
		{"a handler without error completes", nil, OutcomeCompleted},
		{"a business error is its own outcome", BusinessError("price locked"), OutcomeBusinessError},
		{"a wrapped business error is still one", errors.Join(errors.New("ctx"), BusinessError("x")), OutcomeBusinessError},
		{"any other error is a failure", errors.New("db down"), OutcomeFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			jobType := "count-" + tt.outcome + "-" + tt.name
			observeJob(jobType, tt.err, 0)
			if got := testutil.ToFloat64(jobsTotal.WithLabelValues(jobType, tt.outcome)); got != 1 {
				t.Errorf("sagaworker_jobs_total{%s,%s} = %v, want 1", jobType, tt.outcome, got)
			}
		})
	}
}

// eventuallyTrue polls cond until it holds or 10 s pass.
func eventuallyTrue(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		<-tick.C
	}
}
