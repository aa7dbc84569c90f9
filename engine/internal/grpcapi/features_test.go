package grpcapi_test

import (
	"context"
	"errors"
	"github.com/camunda/zeebe/clients/go/v8/pkg/entities"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/tmfcatalog/platform/engine/internal/engine"
	"google.golang.org/grpc/status"
)

func TestFailedJobIsRetriedAfterItsBackoff(t *testing.T) {
	h := newHarness(t)
	h.deploy("retry.bpmn", process("retry", []string{"flaky"}, ""))
	key := h.create("retry", nil)
	j := h.activateOne("flaky")
	failedAt := time.Now()
	if _, err := h.client.NewFailJobCommand().JobKey(j.Key).Retries(2).RetryBackoff(700 * time.Millisecond).
		ErrorMessage("db down").Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	again := h.activateOne("flaky")
	if waited := time.Since(failedAt); waited < 700*time.Millisecond {
		t.Fatalf("job re-offered after %v, before its 700ms backoff", waited)
	}
	if again.Key != j.Key || again.Retries != 2 {
		t.Fatalf("re-offered job = key %d retries %d", again.Key, again.Retries)
	}
	h.complete(again, nil)
	h.waitState(key, "COMPLETED")
}

func TestExhaustedRetriesRaiseAnIncidentThatRetriesAndResolveClear(t *testing.T) {
	h := newHarness(t)
	h.deploy("inc.bpmn", process("inc", []string{"broken"}, ""))
	key := h.create("inc", nil)
	j := h.activateOne("broken")
	if _, err := h.client.NewFailJobCommand().JobKey(j.Key).Retries(0).ErrorMessage("gave up").Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	d := h.instance(key)
	if len(d.IncidentList) != 1 || d.IncidentList[0].Type != "JOB_NO_RETRIES" || d.IncidentList[0].Message != "gave up" || d.Incidents != 1 {
		t.Fatalf("incidents = %+v", d.IncidentList)
	}
	h.assertNoJob("broken")
	incident := d.IncidentList[0].Key
	_, err := h.client.NewResolveIncidentCommand().IncidentKey(incident).Send(ctxT(t))
	if status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("resolve before retries were updated: %v", err)
	}
	if _, err := h.client.NewUpdateJobRetriesCommand().JobKey(j.Key).Retries(1).Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.NewResolveIncidentCommand().IncidentKey(incident).Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	again := h.activateOne("broken")
	if again.Key != j.Key || again.Retries != 1 {
		t.Fatalf("resumed job = key %d retries %d", again.Key, again.Retries)
	}
	h.complete(again, nil)
	if d := h.waitState(key, "COMPLETED"); d.Incidents != 0 || d.IncidentList[0].State != "RESOLVED" {
		t.Fatalf("after resolve: %+v", d.IncidentList)
	}
}

const errorBoundary = `
<bpmn:boundaryEvent id="caught" attachedToRef="task0"><bpmn:errorEventDefinition errorRef="err"/></bpmn:boundaryEvent>
<bpmn:sequenceFlow id="fc" sourceRef="caught" targetRef="comp"/>
<bpmn:serviceTask id="comp"><bpmn:extensionElements><zeebe:taskDefinition type="compensate"/></bpmn:extensionElements></bpmn:serviceTask>
<bpmn:sequenceFlow id="fc2" sourceRef="comp" targetRef="failed"/>
<bpmn:endEvent id="failed" name="Failed"/>`

func withErrorDef(xml []byte) []byte {
	s := string(xml)
	return []byte(s[:len(s)-len(`</bpmn:definitions>`)] + `<bpmn:error id="err" errorCode="BOOM"/></bpmn:definitions>`)
}

func TestThrownErrorTakesTheBoundaryPath(t *testing.T) {
	h := newHarness(t)
	h.deploy("err.bpmn", withErrorDef(process("err", []string{"risky", "after"}, errorBoundary)))
	key := h.create("err", nil)
	j := h.activateOne("risky")
	cmd, err := h.client.NewThrowErrorCommand().JobKey(j.Key).ErrorCode("BOOM").ErrorMessage("nope").
		VariablesFromMap(map[string]any{"failure_reason": "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	c := h.activateOne("compensate")
	if vars(t, c)["failure_reason"] != "nope" {
		t.Fatalf("compensation variables = %s", c.Variables)
	}
	h.complete(c, nil)
	d := h.waitState(key, "COMPLETED")
	if d.EndElementID != "failed" {
		t.Fatalf("ended at %q", d.EndElementID)
	}
	for _, e := range d.Elements {
		if e.ElementID == "task1" {
			t.Fatal("the step after the failing task ran")
		}
		if e.ElementID == "task0" && e.State != "TERMINATED" {
			t.Fatalf("failing task is %s", e.State)
		}
	}
}

func TestUncaughtErrorRaisesAnIncident(t *testing.T) {
	h := newHarness(t)
	h.deploy("err.bpmn", withErrorDef(process("err", []string{"risky"}, errorBoundary)))
	key := h.create("err", nil)
	j := h.activateOne("risky")
	if _, err := h.client.NewThrowErrorCommand().JobKey(j.Key).ErrorCode("OTHER").ErrorMessage("strange").Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	d := h.instance(key)
	if d.State != "ACTIVE" || len(d.IncidentList) != 1 || d.IncidentList[0].Type != "UNHANDLED_ERROR_EVENT" {
		t.Fatalf("instance = %s incidents %+v", d.State, d.IncidentList)
	}
	if _, err := h.client.NewResolveIncidentCommand().IncidentKey(d.IncidentList[0].Key).Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	h.complete(h.activateOne("risky"), nil)
	h.waitState(key, "COMPLETED")
}

const timerBoundary = `
<bpmn:boundaryEvent id="late" attachedToRef="task0"><bpmn:timerEventDefinition><bpmn:timeDuration>=wait</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:sequenceFlow id="ft" sourceRef="late" targetRef="timedout"/>
<bpmn:endEvent id="timedout" name="Timed out"/>`

func TestTimerBoundaryInterruptsAWaitingTask(t *testing.T) {
	h := newHarness(t)
	h.deploy("timer.bpmn", process("timer", []string{"slow"}, timerBoundary))
	start := time.Now()
	key := h.create("timer", map[string]any{"wait": "PT1S"})
	j := h.activateOne("slow")
	d := h.waitState(key, "COMPLETED")
	if d.EndElementID != "timedout" {
		t.Fatalf("ended at %q", d.EndElementID)
	}
	if took := time.Since(start); took < time.Second {
		t.Fatalf("timer fired after %v, before PT1S", took)
	}
	_, err := h.client.NewCompleteJobCommand().JobKey(j.Key).Send(ctxT(t))
	if status.Code(err) != codes.NotFound {
		t.Fatalf("completing the interrupted job: %v", err)
	}
}

func TestTimerNotDueWhenTheTaskCompletesInTime(t *testing.T) {
	h := newHarness(t)
	h.deploy("timer.bpmn", process("timer", []string{"quick"}, timerBoundary))
	key := h.create("timer", map[string]any{"wait": "PT1H"})
	h.complete(h.activateOne("quick"), nil)
	if d := h.waitState(key, "COMPLETED"); d.EndElementID != "end" {
		t.Fatalf("ended at %q", d.EndElementID)
	}
}

func TestRestartedEngineContinuesRunningInstances(t *testing.T) {
	h := newHarness(t)
	h.deploy("two.bpmn", process("two", []string{"one", "two"}, timerBoundary))
	done := h.create("two", map[string]any{"wait": "PT1H"})
	timed := h.create("two", map[string]any{"wait": "PT1S"})
	first := h.activate("one", 10, time.Minute)
	if len(first) != 2 {
		t.Fatalf("activated %d jobs, want 2", len(first))
	}
	h.stop()

	h2 := startEngine(t, h.dbURL)
	for _, j := range first {
		if j.ProcessInstanceKey == done {
			h2.complete(j, nil) // the worker reports to the new engine
		}
	}
	h2.complete(h2.activateOne("two"), nil)
	if d := h2.waitState(done, "COMPLETED"); d.EndElementID != "end" {
		t.Fatalf("continued instance ended at %q", d.EndElementID)
	}
	if d := h2.waitState(timed, "COMPLETED"); d.EndElementID != "timedout" {
		t.Fatalf("timer instance ended at %q", d.EndElementID)
	}
}

func TestJobOfADeadWorkerIsOfferedAgainAfterItsTimeout(t *testing.T) {
	h := newHarness(t)
	h.deploy("lease.bpmn", process("lease", []string{"leased"}, ""))
	key := h.create("lease", nil)
	jobs := h.activate("leased", 1, 800*time.Millisecond)
	if len(jobs) != 1 {
		t.Fatalf("activated %d jobs", len(jobs))
	}
	// The worker "dies": it never reports. Another worker gets the job once the lease ends.
	again := h.activateOne("leased")
	if again.Key != jobs[0].Key {
		t.Fatalf("re-offered job %d, want %d", again.Key, jobs[0].Key)
	}
	if time.UnixMilli(again.Deadline).Before(time.UnixMilli(jobs[0].Deadline)) {
		t.Fatal("the new lease ends before the old one")
	}
	h.complete(again, nil)
	h.waitState(key, "COMPLETED")
}

func TestCancelTerminatesTheInstanceAndItsJobs(t *testing.T) {
	h := newHarness(t)
	h.deploy("c.bpmn", process("c", []string{"x"}, ""))
	key := h.create("c", nil)
	j := h.activateOne("x")
	if _, err := h.client.NewCancelInstanceCommand().ProcessInstanceKey(key).Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	h.waitState(key, "CANCELED")
	if _, err := h.client.NewCompleteJobCommand().JobKey(j.Key).Send(ctxT(t)); status.Code(err) != codes.NotFound {
		t.Fatalf("complete after cancel: %v", err)
	}
	if _, err := h.client.NewCancelInstanceCommand().ProcessInstanceKey(key).Send(ctxT(t)); status.Code(err) != codes.NotFound {
		t.Fatalf("second cancel: %v", err)
	}
}

func TestSetVariablesFeedsGatewayConditions(t *testing.T) {
	h := newHarness(t)
	gw := `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
<bpmn:process id="gw" isExecutable="true">
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
<bpmn:serviceTask id="wait"><bpmn:extensionElements><zeebe:taskDefinition type="wait"/></bpmn:extensionElements></bpmn:serviceTask>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="g"/>
<bpmn:exclusiveGateway id="g" default="fsmall"/>
<bpmn:sequenceFlow id="fbig" sourceRef="g" targetRef="big"><bpmn:conditionExpression>=amount &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="fsmall" sourceRef="g" targetRef="small"/>
<bpmn:endEvent id="big"/><bpmn:endEvent id="small"/>
</bpmn:process></bpmn:definitions>`
	h.deploy("gw.bpmn", []byte(gw))
	key := h.create("gw", map[string]any{"amount": 5})
	cmd, err := h.client.NewSetVariablesCommand().ElementInstanceKey(key).VariablesFromMap(map[string]any{"amount": 500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	h.complete(h.activateOne("wait"), nil)
	if d := h.waitState(key, "COMPLETED"); d.EndElementID != "big" {
		t.Fatalf("gateway took %q", d.EndElementID)
	}
}

func TestASecondReplicaIsWokenForNewJobs(t *testing.T) {
	a := newHarness(t)
	b := startEngine(t, a.dbURL)
	got := make(chan []entities.Job, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		defer cancel()
		jobs, err := b.client.NewActivateJobsCommand().JobType("replicated").MaxJobsToActivate(1).WorkerName("b").Send(ctx)
		if err != nil {
			t.Errorf("activate on replica b: %v", err)
		}
		got <- jobs
	}()
	a.deploy("rep.bpmn", process("rep", []string{"replicated"}, ""))
	created := time.Now()
	key := a.create("rep", nil)
	jobs := <-got
	if len(jobs) != 1 || jobs[0].ProcessInstanceKey != key {
		t.Fatalf("replica b activated %d jobs", len(jobs))
	}
	if waited := time.Since(created); waited > 4*time.Second {
		t.Fatalf("replica b got the job after %v: not woken by the notification", waited)
	}
	b.complete(jobs[0], nil)
	a.waitState(key, "COMPLETED")
}

func TestGatewayWithoutAMatchingFlowRaisesAnIncidentThatVariablesFix(t *testing.T) {
	h := newHarness(t)
	gw := `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
<bpmn:process id="strict" isExecutable="true">
<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
<bpmn:exclusiveGateway id="g"/>
<bpmn:sequenceFlow id="fyes" sourceRef="g" targetRef="yes"><bpmn:conditionExpression>=approved = true</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="fno" sourceRef="g" targetRef="no"><bpmn:conditionExpression>=approved = false</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:endEvent id="yes"/><bpmn:endEvent id="no"/>
</bpmn:process></bpmn:definitions>`
	h.deploy("strict.bpmn", []byte(gw))
	key := h.create("strict", nil)
	d := h.instance(key)
	if d.State != "ACTIVE" || len(d.IncidentList) != 1 || d.IncidentList[0].Type != "CONDITION_ERROR" || d.IncidentList[0].ElementID != "g" {
		t.Fatalf("instance %s incidents %+v", d.State, d.IncidentList)
	}
	cmd, err := h.client.NewSetVariablesCommand().ElementInstanceKey(key).VariablesFromMap(map[string]any{"approved": false})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.NewResolveIncidentCommand().IncidentKey(d.IncidentList[0].Key).Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if d := h.waitState(key, "COMPLETED"); d.EndElementID != "no" {
		t.Fatalf("ended at %q", d.EndElementID)
	}
}

func TestHistoryOfEndedInstancesIsPurgedAfterRetention(t *testing.T) {
	h := newHarness(t)
	h.deploy("p.bpmn", process("p", []string{"w"}, ""))
	ended := h.create("p", nil)
	h.complete(h.activateOne("w"), nil)
	h.waitState(ended, "COMPLETED")
	running := h.create("p", nil)
	n, err := h.eng.PurgeHistory(ctxT(t), time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v", n, err)
	}
	if _, err := h.eng.Instance(ctxT(t), ended); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("ended instance after purge: %v", err)
	}
	if d := h.instance(running); d.State != "ACTIVE" {
		t.Fatalf("running instance is %s", d.State)
	}
}
