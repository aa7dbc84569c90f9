package model

import (
	"fmt"
	"sort"
)

// link connects flows to elements and checks the graph rules the engine relies on: one
// token per scope, so no parallel splits.
func (b *builder) link() error {
	d := b.def
	for _, id := range b.flowOrder { // document order: gateways try conditions in this order
		f := d.Flows[id]
		src, tgt := d.Elements[f.Source], d.Elements[f.Target]
		if src == nil || tgt == nil {
			return &InvalidError{ID: id, Msg: fmt.Sprintf("sequence flow connects unknown elements %q → %q", f.Source, f.Target)}
		}
		if src.Scope != tgt.Scope {
			return &InvalidError{ID: id, Msg: "sequence flow crosses a subprocess boundary"}
		}
		if f.cond != nil && src.Kind != ExclusiveGateway {
			return &UnsupportedError{Element: "bpmn:conditionExpression", ID: id, Reason: "conditions are supported on exclusive gateway flows only"}
		}
		src.Outgoing = append(src.Outgoing, id)
		tgt.Incoming = append(tgt.Incoming, id)
	}
	ids := make([]string, 0, len(d.Elements))
	for id := range d.Elements {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		el := d.Elements[id]
		if err := b.checkElement(el); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) checkElement(el *Element) error {
	d := b.def
	switch el.Kind {
	case StartEvent:
		if len(el.Incoming) > 0 {
			return &InvalidError{ID: el.ID, Msg: "start event with incoming flows"}
		}
	case EndEvent:
		if len(el.Outgoing) > 0 {
			return &InvalidError{ID: el.ID, Msg: "end event with outgoing flows"}
		}
	case ExclusiveGateway:
		if len(el.Outgoing) == 0 {
			return &InvalidError{ID: el.ID, Msg: "exclusive gateway without outgoing flows"}
		}
		if el.DefaultFlow != "" {
			f := d.Flows[el.DefaultFlow]
			if f == nil || f.Source != el.ID {
				return &InvalidError{ID: el.ID, Msg: fmt.Sprintf("default flow %q does not leave this gateway", el.DefaultFlow)}
			}
		}
		if len(el.Outgoing) > 1 {
			for _, fid := range el.Outgoing {
				if fid != el.DefaultFlow && d.Flows[fid].cond == nil {
					return &InvalidError{ID: fid, Msg: "a flow leaving a diverging exclusive gateway needs a condition or must be the default"}
				}
			}
		}
	case BoundaryEvent:
		host := d.Elements[el.AttachedTo]
		if host == nil || (host.Kind != ServiceTask && host.Kind != SubProcess) {
			return &InvalidError{ID: el.ID, Msg: fmt.Sprintf("attachedToRef %q is not a service task or subprocess", el.AttachedTo)}
		}
		if host.Scope != el.Scope {
			return &InvalidError{ID: el.ID, Msg: "boundary event and its activity are in different scopes"}
		}
		if len(el.Incoming) > 0 {
			return &InvalidError{ID: el.ID, Msg: "boundary event with incoming flows"}
		}
		host.Boundaries = append(host.Boundaries, el.ID)
		sort.Strings(host.Boundaries)
	case SubProcess:
		start, err := b.startOf(el.ID)
		if err != nil {
			return err
		}
		el.Start = start
	}
	if el.Kind != ExclusiveGateway && len(el.Outgoing) > 1 {
		return &UnsupportedError{Element: "bpmn:sequenceFlow", ID: el.ID,
			Reason: fmt.Sprintf("%d outgoing flows (parallel split); use an exclusive gateway", len(el.Outgoing))}
	}
	return nil
}

// startOf returns the single none start event of a scope ("" = process level).
func (b *builder) startOf(scope string) (string, error) {
	var starts []string
	for id, el := range b.def.Elements {
		if el.Kind == StartEvent && el.Scope == scope {
			starts = append(starts, id)
		}
	}
	where := "process"
	if scope != "" {
		where = "subprocess " + scope
	}
	switch len(starts) {
	case 0:
		return "", &InvalidError{ID: scope, Msg: where + " has no start event"}
	case 1:
		return starts[0], nil
	}
	sort.Strings(starts)
	return "", &UnsupportedError{Element: "bpmn:startEvent", ID: starts[1], Reason: where + " has more than one start event"}
}
