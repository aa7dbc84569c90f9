package grpcapi_test

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// process builds a small Zeebe BPMN document: start → tasks (in order) → end, optionally
// with extra elements inside the process.
func process(id string, jobTypes []string, extra string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="t">
<bpmn:process id="` + id + `" isExecutable="true"><bpmn:startEvent id="start"/>`)
	prev := "start"
	for i, jt := range jobTypes {
		tid := fmt.Sprintf("task%d", i)
		fmt.Fprintf(&b, `<bpmn:sequenceFlow id="f%d" sourceRef="%s" targetRef="%s"/>`, i, prev, tid)
		fmt.Fprintf(&b, `<bpmn:serviceTask id="%s"><bpmn:extensionElements><zeebe:taskDefinition type="%s" retries="3"/></bpmn:extensionElements></bpmn:serviceTask>`, tid, jt)
		prev = tid
	}
	fmt.Fprintf(&b, `<bpmn:sequenceFlow id="fend" sourceRef="%s" targetRef="end"/><bpmn:endEvent id="end" name="Done"/>`, prev)
	b.WriteString(extra)
	b.WriteString(`</bpmn:process></bpmn:definitions>`)
	return []byte(b.String())
}

func TestTopologyReportsOneHealthyPartition(t *testing.T) {
	h := newHarness(t)
	resp, err := h.client.NewTopologyCommand().Send(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetClusterSize() != 1 || len(resp.GetBrokers()) != 1 || resp.GetBrokers()[0].GetPartitions()[0].GetPartitionId() != 1 {
		t.Fatalf("topology = %v", resp)
	}
}

func TestDeployIsIdempotentForTheSameXMLAndVersionsChanges(t *testing.T) {
	h := newHarness(t)
	xml := process("p", []string{"a"}, "")
	first := h.deploy("p.bpmn", xml)
	again := h.deploy("p.bpmn", xml)
	changed := h.deploy("p.bpmn", process("p", []string{"a", "b"}, ""))
	if first.GetVersion() != 1 || again.GetVersion() != 1 || again.GetProcessDefinitionKey() != first.GetProcessDefinitionKey() {
		t.Fatalf("redeploy of the same XML: first %v, again %v", first, again)
	}
	if changed.GetVersion() != 2 {
		t.Fatalf("changed XML got version %d, want 2", changed.GetVersion())
	}
}

func TestJobsAreActivatedAndCompletedInOrder(t *testing.T) {
	h := newHarness(t)
	h.deploy("order.bpmn", process("order", []string{"first", "second"}, ""))
	key := h.create("order", map[string]any{"n": 1})
	h.assertNoJob("second")
	j1 := h.activateOne("first")
	if j1.ProcessInstanceKey != key || j1.BpmnProcessId != "order" || j1.ElementId != "task0" || j1.Retries != 3 {
		t.Fatalf("first job = %+v", j1.ActivatedJob)
	}
	if v := vars(t, j1); v["n"] != 1.0 {
		t.Fatalf("job variables = %v", v)
	}
	h.complete(j1, map[string]any{"from_first": "x"})
	j2 := h.activateOne("second")
	if v := vars(t, j2); v["from_first"] != "x" || v["n"] != 1.0 {
		t.Fatalf("second job variables = %v", v)
	}
	h.complete(j2, nil)
	d := h.waitState(key, "COMPLETED")
	if d.EndElementID != "end" {
		t.Fatalf("ended at %q", d.EndElementID)
	}
	var got []string
	for _, e := range d.Elements {
		got = append(got, e.ElementID)
	}
	if strings.Join(got, ",") != "start,task0,task1,end" {
		t.Fatalf("history = %v", got)
	}
}

func TestCreateWithResultReturnsTheFinalVariables(t *testing.T) {
	h := newHarness(t)
	h.deploy("noop.bpmn", process("noop", nil, ""))
	cmd, err := h.client.NewCreateInstanceCommand().BPMNProcessId("noop").LatestVersion().VariablesFromMap(map[string]any{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cmd.WithResult().Send(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.GetVariables(), `"a": "b"`) && !strings.Contains(resp.GetVariables(), `"a":"b"`) {
		t.Fatalf("variables = %s", resp.GetVariables())
	}
}

func TestUnknownProcessAndJobAreNotFound(t *testing.T) {
	h := newHarness(t)
	_, err := h.client.NewCreateInstanceCommand().BPMNProcessId("missing").LatestVersion().Send(ctxT(t))
	if status.Code(err) != codes.NotFound {
		t.Fatalf("create missing process: %v", err)
	}
	_, err = h.client.NewCompleteJobCommand().JobKey(42).Send(ctxT(t))
	if status.Code(err) != codes.NotFound {
		t.Fatalf("complete missing job: %v", err)
	}
}

func TestUnsupportedElementIsRefusedAtDeploy(t *testing.T) {
	h := newHarness(t)
	xml := process("bad", []string{"a"}, `<bpmn:userTask id="approve"/>`)
	_, err := h.client.NewDeployResourceCommand().AddResource(xml, "bad.bpmn").Send(ctxT(t))
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "bpmn:userTask") || !strings.Contains(err.Error(), "approve") {
		t.Fatalf("deploy error = %v", err)
	}
}

func TestUnimplementedCallsSayUnimplemented(t *testing.T) {
	h := newHarness(t)
	_, err := h.client.NewPublishMessageCommand().MessageName("m").CorrelationKey("k").Send(ctxT(t))
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("publish message: %v", err)
	}
}
