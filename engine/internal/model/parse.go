package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tmfcatalog/platform/engine/internal/feel"
)

// Parse reads a BPMN document and returns its executable processes, refusing anything the
// engine cannot run with an *UnsupportedError or *InvalidError naming the element.
func Parse(data []byte) ([]*Definition, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	errorCodes := map[string]string{}
	var processes []*xnode
	for _, c := range root.children {
		if c.space != nsBPMN {
			continue
		}
		switch c.local {
		case "process":
			processes = append(processes, c)
		case "error":
			errorCodes[c.id()] = c.attr("errorCode")
		case "collaboration", "choreography", "conversation":
			return nil, &UnsupportedError{Element: c.prefixed(), ID: c.id(), Reason: "only plain processes are executed (no pools or message flows)"}
		}
	}
	var defs []*Definition
	for _, p := range processes {
		if p.attr("isExecutable") != "true" {
			continue
		}
		d, err := parseProcess(p, errorCodes)
		if err != nil {
			return nil, err
		}
		defs = append(defs, d)
	}
	if len(defs) == 0 {
		return nil, &InvalidError{Msg: "no executable process (isExecutable=\"true\")"}
	}
	return defs, nil
}

func parseProcess(p *xnode, errorCodes map[string]string) (*Definition, error) {
	id := p.id()
	if id == "" {
		return nil, &InvalidError{Msg: "process without id"}
	}
	d := &Definition{ID: id, Name: p.attr("name"), Elements: map[string]*Element{}, Flows: map[string]*Flow{}}
	b := &builder{def: d, errorCodes: errorCodes}
	if err := b.scope(p, ""); err != nil {
		return nil, err
	}
	if err := b.link(); err != nil {
		return nil, err
	}
	start, err := b.startOf("")
	if err != nil {
		return nil, err
	}
	d.Start = start
	return d, nil
}

type builder struct {
	def        *Definition
	errorCodes map[string]string
	flowOrder  []string
}

// ignored lists BPMN children that carry no execution semantics.
var ignored = map[string]bool{
	"documentation": true, "extensionElements": true, "incoming": true, "outgoing": true,
	"textAnnotation": true, "association": true, "group": true, "laneSet": true,
}

func (b *builder) add(n *xnode, el *Element) error {
	if el.ID == "" {
		return &InvalidError{Msg: n.prefixed() + " without id"}
	}
	if _, dup := b.def.Elements[el.ID]; dup {
		return &InvalidError{ID: el.ID, Msg: "duplicate id"}
	}
	if _, dup := b.def.Flows[el.ID]; dup {
		return &InvalidError{ID: el.ID, Msg: "duplicate id"}
	}
	b.def.Elements[el.ID] = el
	return nil
}

func (b *builder) scope(n *xnode, scopeID string) error {
	for _, c := range n.children {
		if c.space != nsBPMN {
			continue
		}
		if ignored[c.local] {
			continue
		}
		el := &Element{ID: c.id(), Name: c.attr("name"), Scope: scopeID}
		switch c.local {
		case "sequenceFlow":
			if err := b.flow(c); err != nil {
				return err
			}
			continue
		case "startEvent":
			el.Kind = StartEvent
			if err := noEventDefinitions(c, "only none start events are supported"); err != nil {
				return err
			}
		case "endEvent":
			el.Kind = EndEvent
			if err := noEventDefinitions(c, "only none end events are supported"); err != nil {
				return err
			}
		case "serviceTask":
			el.Kind = ServiceTask
			if err := b.serviceTask(c, el); err != nil {
				return err
			}
		case "exclusiveGateway":
			el.Kind = ExclusiveGateway
			el.DefaultFlow = c.attr("default")
		case "subProcess":
			if c.attr("triggeredByEvent") == "true" {
				return &UnsupportedError{Element: "bpmn:subProcess", ID: el.ID, Reason: "event subprocesses are not supported"}
			}
			el.Kind = SubProcess
		case "boundaryEvent":
			el.Kind = BoundaryEvent
			if err := b.boundary(c, el); err != nil {
				return err
			}
		default:
			return &UnsupportedError{Element: c.prefixed(), ID: el.ID}
		}
		if err := checkActivityChildren(c); err != nil {
			return err
		}
		if err := b.extensions(c, el); err != nil {
			return err
		}
		if err := b.add(c, el); err != nil {
			return err
		}
		if el.Kind == SubProcess {
			if err := b.scope(c, el.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkActivityChildren refuses loop characteristics and other children we cannot run.
func checkActivityChildren(n *xnode) error {
	for _, c := range n.children {
		if c.space != nsBPMN {
			continue
		}
		switch c.local {
		case "multiInstanceLoopCharacteristics", "standardLoopCharacteristics":
			return &UnsupportedError{Element: c.prefixed(), ID: n.id(), Reason: "loops and multi-instance are not supported"}
		case "ioSpecification", "dataInputAssociation", "dataOutputAssociation", "property":
			return &UnsupportedError{Element: c.prefixed(), ID: n.id(), Reason: "data associations are not supported"}
		}
	}
	return nil
}

func noEventDefinitions(n *xnode, reason string) error {
	for _, c := range n.children {
		if c.space == nsBPMN && strings.HasSuffix(c.local, "EventDefinition") || c.space == nsBPMN && c.local == "eventDefinitionRef" {
			return &UnsupportedError{Element: c.prefixed(), ID: n.id(), Reason: reason}
		}
	}
	return nil
}

func (b *builder) flow(c *xnode) error {
	f := &Flow{ID: c.id(), Source: c.attr("sourceRef"), Target: c.attr("targetRef")}
	if f.ID == "" {
		return &InvalidError{Msg: "bpmn:sequenceFlow without id"}
	}
	if _, dup := b.def.Flows[f.ID]; dup {
		return &InvalidError{ID: f.ID, Msg: "duplicate id"}
	}
	for _, cc := range c.children {
		if cc.space == nsBPMN && cc.local == "conditionExpression" {
			src := strings.TrimSpace(cc.text.String())
			if !feel.IsExpression(src) {
				return &InvalidError{ID: f.ID, Msg: "condition must be a FEEL expression starting with '='"}
			}
			e, err := feel.Parse(src)
			if err != nil {
				return &InvalidError{ID: f.ID, Msg: err.Error()}
			}
			f.Condition, f.cond = src, e
		}
	}
	b.def.Flows[f.ID] = f
	b.flowOrder = append(b.flowOrder, f.ID)
	return nil
}

func (b *builder) serviceTask(c *xnode, el *Element) error {
	for _, ext := range extensionChildren(c) {
		if ext.local != "taskDefinition" {
			continue
		}
		el.JobType = strings.TrimSpace(ext.attr("type"))
		if feel.IsExpression(el.JobType) {
			return &UnsupportedError{Element: "zeebe:taskDefinition", ID: el.ID, Reason: "job type expressions are not supported"}
		}
		el.Retries = DefaultRetries
		if r := strings.TrimSpace(ext.attr("retries")); r != "" {
			n, err := strconv.Atoi(r)
			if err != nil || n < 0 {
				return &UnsupportedError{Element: "zeebe:taskDefinition", ID: el.ID, Reason: "retries must be a literal non-negative integer"}
			}
			el.Retries = n
		}
	}
	if el.JobType == "" {
		return &InvalidError{ID: el.ID, Msg: "service task needs zeebe:taskDefinition with a type"}
	}
	return nil
}

func (b *builder) boundary(c *xnode, el *Element) error {
	el.AttachedTo = c.attr("attachedToRef")
	if c.attr("cancelActivity") == "false" {
		return &UnsupportedError{Element: "bpmn:boundaryEvent", ID: el.ID, Reason: "non-interrupting boundary events are not supported"}
	}
	for _, d := range c.children {
		if d.space != nsBPMN || !strings.HasSuffix(d.local, "EventDefinition") {
			continue
		}
		if el.Error != nil || el.Timer != nil {
			return &UnsupportedError{Element: "bpmn:boundaryEvent", ID: el.ID, Reason: "multiple event definitions"}
		}
		switch d.local {
		case "errorEventDefinition":
			el.Error = &ErrorTrigger{}
			if ref := d.attr("errorRef"); ref != "" {
				code, ok := b.errorCodes[ref]
				if !ok {
					return &InvalidError{ID: el.ID, Msg: fmt.Sprintf("errorRef %q names no bpmn:error", ref)}
				}
				el.Error.Code = code
			}
		case "timerEventDefinition":
			t, err := timer(d, el.ID)
			if err != nil {
				return err
			}
			el.Timer = t
		default:
			return &UnsupportedError{Element: d.prefixed(), ID: el.ID, Reason: "boundary events support error and timer definitions only"}
		}
	}
	if el.Error == nil && el.Timer == nil {
		return &UnsupportedError{Element: "bpmn:boundaryEvent", ID: el.ID, Reason: "boundary event without an error or timer definition"}
	}
	return nil
}

func timer(d *xnode, id string) (*TimerTrigger, error) {
	for _, c := range d.children {
		if c.space != nsBPMN {
			continue
		}
		if c.local != "timeDuration" {
			return nil, &UnsupportedError{Element: c.prefixed(), ID: id, Reason: "only timeDuration timers are supported"}
		}
		src := strings.TrimSpace(c.text.String())
		t := &TimerTrigger{Duration: src}
		if feel.IsExpression(src) {
			e, err := feel.Parse(src)
			if err != nil {
				return nil, &InvalidError{ID: id, Msg: err.Error()}
			}
			t.expr = e
		} else if _, err := feel.ParseDuration(src); err != nil {
			return nil, &InvalidError{ID: id, Msg: err.Error()}
		}
		return t, nil
	}
	return nil, &InvalidError{ID: id, Msg: "timer without timeDuration"}
}

func extensionChildren(n *xnode) []*xnode {
	var out []*xnode
	for _, c := range n.children {
		if c.space == nsBPMN && c.local == "extensionElements" {
			for _, e := range c.children {
				if e.space == nsZeebe {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// extensions reads zeebe:taskHeaders and zeebe:ioMapping and refuses zeebe extensions we do
// not implement.
func (b *builder) extensions(c *xnode, el *Element) error {
	for _, ext := range extensionChildren(c) {
		switch ext.local {
		case "taskDefinition", "properties":
		case "taskHeaders":
			el.Headers = map[string]string{}
			for _, h := range ext.children {
				if h.space == nsZeebe && h.local == "header" {
					el.Headers[h.attr("key")] = h.attr("value")
				}
			}
		case "ioMapping":
			for _, m := range ext.children {
				if m.space != nsZeebe {
					continue
				}
				if m.local != "output" {
					return &UnsupportedError{Element: "zeebe:" + m.local, ID: el.ID, Reason: "only output mappings are supported"}
				}
				mp := Mapping{Source: strings.TrimSpace(m.attr("source")), Target: strings.TrimSpace(m.attr("target"))}
				if mp.Target == "" || strings.Contains(mp.Target, ".") {
					return &InvalidError{ID: el.ID, Msg: "output mapping needs a plain target variable name"}
				}
				if feel.IsExpression(mp.Source) {
					e, err := feel.Parse(mp.Source)
					if err != nil {
						return &InvalidError{ID: el.ID, Msg: err.Error()}
					}
					mp.expr = e
				}
				el.Outputs = append(el.Outputs, mp)
			}
		default:
			return &UnsupportedError{Element: "zeebe:" + ext.local, ID: el.ID}
		}
	}
	return nil
}
