package grpcapi_test

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/entities"
	"github.com/camunda/zeebe/clients/go/v8/pkg/worker"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tmfcatalog/platform/bpmn"
	"github.com/tmfcatalog/platform/engine/internal/engine"
)

// publicationSteps are the job types of bpmn/offering_publication.bpmn.
var publicationSteps = []string{
	"lock-prices", "validate-specifications", "create-store-entry", "confirm-publication",
	"delete-store-entry", "unlock-prices", "revert-offering-to-draft",
}

// fakeParticipants answers every publication job; failAt throws PUBLICATION_FAILED there,
// hangAt never answers (the worker holds the job) and holdAt answers once hold is closed.
type fakeParticipants struct {
	mu     sync.Mutex
	calls  []string
	failAt string
	hangAt string
	holdAt string
	hold   chan struct{}
}

func (f *fakeParticipants) handler(t *testing.T) worker.JobHandler {
	return func(client worker.JobClient, job entities.Job) {
		f.mu.Lock()
		f.calls = append(f.calls, job.Type)
		f.mu.Unlock()
		ctx := context.Background()
		switch job.Type {
		case f.hangAt:
			return
		case f.holdAt:
			<-f.hold // the participant's own work, e.g. a slow database commit
		case f.failAt:
			cmd, err := client.NewThrowErrorCommand().JobKey(job.Key).ErrorCode("PUBLICATION_FAILED").ErrorMessage("spec retired").
				VariablesFromMap(map[string]any{"failure_reason": "spec retired", "failed_step": job.Type})
			if err == nil {
				_, err = cmd.Send(ctx)
			}
			if err != nil {
				t.Errorf("throw error: %v", err)
			}
			return
		}
		if _, err := client.NewCompleteJobCommand().JobKey(job.Key).Send(ctx); err != nil {
			t.Errorf("complete %s: %v", job.Type, err)
		}
	}
}

func (f *fakeParticipants) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func deployPublication(t testing.TB, h *harness) {
	t.Helper()
	xml, err := bpmn.Files.ReadFile("offering_publication.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	if p := h.deploy("offering_publication.bpmn", xml); p.GetBpmnProcessId() != "offering-publication" {
		t.Fatalf("deployed %v", p)
	}
}

func startPublication(t *testing.T, h *harness, timeout string) int64 {
	vars := map[string]any{
		"offering_id": "o-1", "saga_id": "s-1", "price_ids": []string{"p1"}, "specification_ids": []string{"sp1"},
		"correlation_id": "c-1", "trace_context": map[string]string{},
	}
	if timeout != "" {
		vars["saga_timeout"] = timeout
	}
	return h.create("offering-publication", vars)
}

func TestPublicationProcessRuns(t *testing.T) {
	tests := []struct {
		name       string
		parts      *fakeParticipants
		timeout    string
		wantEnd    string
		wantCalls  []string
		wantReason string
	}{
		{
			name:      "every step succeeds so the offering is published",
			parts:     &fakeParticipants{},
			wantEnd:   "EndEvent_Published",
			wantCalls: publicationSteps[:4],
		},
		{
			name:       "a business error at validation compensates in reverse",
			parts:      &fakeParticipants{failAt: "validate-specifications"},
			wantEnd:    "EndEvent_PublicationFailed",
			wantCalls:  []string{"lock-prices", "validate-specifications", "delete-store-entry", "unlock-prices", "revert-offering-to-draft"},
			wantReason: "spec retired",
		},
		{
			name:       "a step that never answers times out and compensates",
			parts:      &fakeParticipants{hangAt: "create-store-entry"},
			timeout:    "PT1S",
			wantEnd:    "EndEvent_PublicationFailed",
			wantCalls:  []string{"lock-prices", "validate-specifications", "create-store-entry", "delete-store-entry", "unlock-prices", "revert-offering-to-draft"},
			wantReason: "publication timed out after PT1S",
		},
		{
			name:       "a refused confirmation compensates in reverse",
			parts:      &fakeParticipants{failAt: "confirm-publication"},
			wantEnd:    "EndEvent_PublicationFailed",
			wantCalls:  publicationSteps,
			wantReason: "spec retired",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			deployPublication(t, h)
			handlers := map[string]worker.JobHandler{}
			for _, s := range publicationSteps {
				handlers[s] = tt.parts.handler(t)
			}
			h.runWorkers(handlers)
			before := endedCount(t, outcomes[tt.wantEnd])
			key := startPublication(t, h, tt.timeout)
			d := h.waitState(key, "COMPLETED")
			if d.EndElementID != tt.wantEnd {
				t.Fatalf("ended at %q, want %q", d.EndElementID, tt.wantEnd)
			}
			got := tt.parts.seen()
			if len(got) != len(tt.wantCalls) {
				t.Fatalf("calls = %v, want %v", got, tt.wantCalls)
			}
			for i := range got {
				if got[i] != tt.wantCalls[i] {
					t.Fatalf("calls = %v, want %v", got, tt.wantCalls)
				}
			}
			var final map[string]any
			if err := json.Unmarshal(d.Variables, &final); err != nil {
				t.Fatal(err)
			}
			if tt.wantReason != "" && final["failure_reason"] != tt.wantReason {
				t.Fatalf("failure_reason = %v, want %q", final["failure_reason"], tt.wantReason)
			}
			// The counter moves right after the commit that the state poll saw.
			deadline := time.Now().Add(5 * time.Second)
			for n := endedCount(t, outcomes[tt.wantEnd]); n != before+1; n = endedCount(t, outcomes[tt.wantEnd]) {
				if time.Now().After(deadline) {
					t.Fatalf("saga_engine_instances_total{outcome=%q} = %v, want %v", outcomes[tt.wantEnd], n, before+1)
				}
				runtime.Gosched()
			}
		})
	}
}

var outcomes = map[string]string{"EndEvent_Published": "published", "EndEvent_PublicationFailed": "publication_failed"}

// endedCount reads saga_engine_instances_total for the publication process and outcome.
func endedCount(t *testing.T, outcome string) float64 {
	t.Helper()
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "saga_engine_instances_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["process"] == "offering-publication" && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// The offering service may already have committed PUBLISHED when its answer to
// confirm-publication comes late: the deadline must not undo that by unlocking the prices of a
// live offering. The confirmation is held until the deadline-bounded part has ended and the
// deadline itself has passed; the saga still ends published, with no compensation.
func TestAConfirmationThatOutlastsTheDeadlineStillEndsPublished(t *testing.T) {
	h := newHarness(t)
	deployPublication(t, h)
	parts := &fakeParticipants{holdAt: "confirm-publication", hold: make(chan struct{})}
	handlers := map[string]worker.JobHandler{}
	for _, s := range publicationSteps {
		handlers[s] = parts.handler(t)
	}
	h.runWorkers(handlers)
	var once sync.Once
	release := func() { once.Do(func() { close(parts.hold) }) }
	defer release()
	const timeout = time.Second
	started := time.Now()
	key := startPublication(t, h, "PT1S")

	// With the confirmation inside the deadline's scope this never holds: the timer ends the
	// subprocess as TERMINATED.
	deadline := time.Now().Add(30 * time.Second)
	for state := subprocessState(h.instance(key)); state != "COMPLETED" || time.Since(started) < timeout+500*time.Millisecond; state = subprocessState(h.instance(key)) {
		if state == "TERMINATED" || time.Now().After(deadline) {
			t.Fatalf("the forward subprocess is %q, want COMPLETED: the deadline interrupted the confirmation", state)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctxT(t).Done():
		}
	}
	release()
	if d := h.waitState(key, "COMPLETED"); d.EndElementID != "EndEvent_Published" {
		t.Fatalf("ended at %q, want EndEvent_Published", d.EndElementID)
	}
	if got := parts.seen(); len(got) != 4 || got[3] != "confirm-publication" {
		t.Fatalf("calls = %v, want the four forward steps only", got)
	}
}

// subprocessState is the state of the instance's forward subprocess ("" before it starts).
func subprocessState(d engine.InstanceDetail) string {
	for _, e := range d.Elements {
		if e.ElementID == "SubProcess_Publish" {
			return e.State
		}
	}
	return ""
}
