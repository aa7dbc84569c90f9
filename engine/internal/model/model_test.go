package model

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestThePublicationProcessParses(t *testing.T) {
	data, err := os.ReadFile("../../../bpmn/offering_publication.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || defs[0].ID != "offering-publication" {
		t.Fatalf("definitions = %+v", defs)
	}
	d := defs[0]
	sub := d.Element("SubProcess_Publish")
	if sub == nil || sub.Kind != SubProcess || len(sub.Boundaries) != 2 {
		t.Fatalf("subprocess = %+v", sub)
	}
	if got := d.Element("Task_LockPrices"); got.JobType != "lock-prices" || got.Retries != 5 || got.Scope != "SubProcess_Publish" {
		t.Fatalf("lock prices = %+v", got)
	}
	// The confirmation is outside the deadline's scope and has its own error boundary.
	if got := d.Element("Task_ConfirmPublication"); got.Scope != "" || len(got.Boundaries) != 1 || got.Boundaries[0] != "Boundary_ConfirmationRefused" {
		t.Fatalf("confirm publication = %+v", got)
	}
	if e := d.Element("Boundary_PublicationFailed").Error; e == nil || !e.Catches("PUBLICATION_FAILED") || e.Catches("OTHER") {
		t.Fatalf("error trigger = %+v", e)
	}
	timer := d.Element("Boundary_SagaTimeout").Timer
	if got, err := timer.ResolveDuration(map[string]any{"saga_timeout": "PT1S"}); err != nil || got != "PT1S" {
		t.Fatalf("timer with variable = %q, %v", got, err)
	}
	if got, err := timer.ResolveDuration(map[string]any{}); err != nil || got != "PT5M" {
		t.Fatalf("timer default = %q, %v", got, err)
	}
}

const head = `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d"><bpmn:process id="p" isExecutable="true">`
const tail = `</bpmn:process></bpmn:definitions>`

func TestUnsupportedOrBrokenProcessesAreRefusedNamingTheElement(t *testing.T) {
	start := `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x"/>`
	tests := []struct {
		name string
		body string
		want string
	}{
		{"a user task is refused", start + `<bpmn:userTask id="x"/>`, "bpmn:userTask"},
		{"a parallel gateway is refused", start + `<bpmn:parallelGateway id="x"/>`, "bpmn:parallelGateway"},
		{"a message start event is refused", `<bpmn:startEvent id="s"><bpmn:messageEventDefinition/></bpmn:startEvent>`, "bpmn:messageEventDefinition"},
		{"a non-interrupting boundary is refused", start + `<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="t"/></bpmn:extensionElements></bpmn:serviceTask><bpmn:boundaryEvent id="b" attachedToRef="x" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`, "non-interrupting"},
		{"a service task without a job type is invalid", start + `<bpmn:serviceTask id="x"/>`, "zeebe:taskDefinition"},
		{"an input mapping is refused", start + `<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="t"/><zeebe:ioMapping><zeebe:input source="=a" target="b"/></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>`, "zeebe:input"},
		{"a flow to a missing element is invalid", start, `"x"`},
		{"a parallel split is refused", start + `<bpmn:endEvent id="x"/><bpmn:endEvent id="y"/><bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="y"/>`, "parallel split"},
		{"a bad condition is invalid", start + `<bpmn:exclusiveGateway id="x"/><bpmn:endEvent id="y"/><bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="y"><bpmn:conditionExpression>=a = </bpmn:conditionExpression></bpmn:sequenceFlow>`, "f2"},
		{"a process without a start event is invalid", `<bpmn:endEvent id="x"/>`, "no start event"},
		{"a multi-instance task is refused", start + `<bpmn:serviceTask id="x"><bpmn:multiInstanceLoopCharacteristics/><bpmn:extensionElements><zeebe:taskDefinition type="t"/></bpmn:extensionElements></bpmn:serviceTask>`, "multiInstanceLoopCharacteristics"},
		{"a timer date is refused", start + `<bpmn:serviceTask id="x"><bpmn:extensionElements><zeebe:taskDefinition type="t"/></bpmn:extensionElements></bpmn:serviceTask><bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:timerEventDefinition><bpmn:timeDate>2020-01-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>`, "bpmn:timeDate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(head + tt.body + tail))
			if err == nil {
				t.Fatal("accepted")
			}
			var ue *UnsupportedError
			var ie *InvalidError
			if !errors.As(err, &ue) && !errors.As(err, &ie) {
				t.Fatalf("error type %T", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestGatewayFlowsKeepDocumentOrderAndDefault(t *testing.T) {
	body := `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
<bpmn:exclusiveGateway id="g" default="z"/>
<bpmn:sequenceFlow id="m" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>=n &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="b" sourceRef="g" targetRef="e2"><bpmn:conditionExpression>=n &gt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="z" sourceRef="g" targetRef="e3"/>
<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/><bpmn:endEvent id="e3"/>`
	defs, err := Parse([]byte(head + body + tail))
	if err != nil {
		t.Fatal(err)
	}
	g := defs[0].Element("g")
	if strings.Join(g.Outgoing, ",") != "m,b,z" || g.DefaultFlow != "z" {
		t.Fatalf("gateway = %+v", g)
	}
	ok, err := defs[0].Flows["m"].Taken(map[string]any{"n": 2.0})
	if err != nil || !ok {
		t.Fatalf("condition = %v, %v", ok, err)
	}
}

func FuzzParseBPMN(f *testing.F) {
	if data, err := os.ReadFile("../../../bpmn/offering_publication.bpmn"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(head + `<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/><bpmn:endEvent id="e"/>` + tail))
	f.Add([]byte(head + `<bpmn:userTask id="u"/>` + tail))
	f.Add([]byte(`<x/>`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		defs, err := Parse(data)
		if err != nil {
			return
		}
		for _, d := range defs {
			if d.Elements[d.Start] == nil {
				t.Fatalf("start %q missing", d.Start)
			}
			for _, fl := range d.Flows {
				if d.Elements[fl.Source] == nil || d.Elements[fl.Target] == nil {
					t.Fatalf("dangling flow %s", fl.ID)
				}
			}
		}
	})
}
