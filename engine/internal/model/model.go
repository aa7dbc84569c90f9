// Package model is the executable form of a BPMN process: the elements and sequence flows
// the saga engine runs, parsed from Zeebe-flavoured BPMN XML and validated at deploy time.
package model

import (
	"fmt"

	"github.com/tmfcatalog/platform/engine/internal/feel"
)

// Kind is the type of a BPMN element the engine can execute.
type Kind string

// The element kinds the engine executes.
const (
	StartEvent       Kind = "START_EVENT"
	EndEvent         Kind = "END_EVENT"
	ServiceTask      Kind = "SERVICE_TASK"
	ExclusiveGateway Kind = "EXCLUSIVE_GATEWAY"
	SubProcess       Kind = "SUB_PROCESS"
	BoundaryEvent    Kind = "BOUNDARY_EVENT"
	Process          Kind = "PROCESS"
)

// DefaultRetries is the job retry count when a task definition names none (as in Zeebe).
const DefaultRetries = 3

// Element is one flow node.
type Element struct {
	ID       string
	Name     string
	Kind     Kind
	Scope    string // id of the enclosing subprocess; "" at process level
	Incoming []string
	Outgoing []string // sequence flow ids, in document order

	// Service tasks.
	JobType string
	Retries int
	Headers map[string]string

	// Exclusive gateways.
	DefaultFlow string

	// Subprocesses: the none start event inside.
	Start string

	// Activities: the boundary events attached to this element, in document order.
	Boundaries []string

	// Boundary events.
	AttachedTo string
	Error      *ErrorTrigger
	Timer      *TimerTrigger

	// Output mappings applied when the element completes (boundary events, tasks, subprocesses).
	Outputs []Mapping
}

// ErrorTrigger is the error an error boundary event catches; an empty Code catches every error.
type ErrorTrigger struct {
	Code string
}

// Catches reports whether the trigger catches errorCode.
func (t *ErrorTrigger) Catches(errorCode string) bool { return t.Code == "" || t.Code == errorCode }

// TimerTrigger is an interrupting timer boundary event's duration (ISO-8601 literal or expression).
type TimerTrigger struct {
	Duration string
	expr     *feel.Expr
}

// Mapping is one zeebe:output mapping.
type Mapping struct {
	Source string
	Target string
	expr   *feel.Expr
}

// Flow is a sequence flow.
type Flow struct {
	ID        string
	Source    string
	Target    string
	Condition string
	cond      *feel.Expr
}

// Definition is one executable process.
type Definition struct {
	ID       string
	Name     string
	Start    string
	Elements map[string]*Element
	Flows    map[string]*Flow
}

// Element returns the element with id, or nil.
func (d *Definition) Element(id string) *Element { return d.Elements[id] }

// ResolveDuration evaluates a timer's duration against vars.
func (t *TimerTrigger) ResolveDuration(vars map[string]any) (string, error) {
	if t.expr == nil {
		return t.Duration, nil
	}
	return t.expr.EvalString(vars)
}

// Eval evaluates the mapping's source against vars.
func (m Mapping) Eval(vars map[string]any) (any, error) {
	if m.expr == nil {
		return m.Source, nil
	}
	return m.expr.Eval(vars)
}

// Taken reports whether the flow's condition holds for vars (a flow without a condition is
// always taken).
func (f *Flow) Taken(vars map[string]any) (bool, error) {
	if f.cond == nil {
		return true, nil
	}
	ok, err := f.cond.EvalBool(vars)
	if err != nil {
		return false, fmt.Errorf("condition of %s: %w", f.ID, err)
	}
	return ok, nil
}

// NeedsVariables reports whether running el needs the instance variables (expressions).
func (d *Definition) NeedsVariables(el *Element) bool {
	if el.Kind == ExclusiveGateway || len(el.Outputs) > 0 {
		return true
	}
	for _, b := range el.Boundaries {
		if be := d.Elements[b]; be != nil && be.Timer != nil && be.Timer.expr != nil {
			return true
		}
	}
	return false
}
