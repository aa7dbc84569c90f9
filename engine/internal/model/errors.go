package model

import "fmt"

// UnsupportedError is a BPMN construct the engine cannot execute.
type UnsupportedError struct {
	Element string // e.g. "bpmn:userTask"
	ID      string
	Reason  string
}

// Error implements error.
func (e *UnsupportedError) Error() string {
	msg := "unsupported BPMN element " + e.Element
	if e.ID != "" {
		msg += fmt.Sprintf(" (id %q)", e.ID)
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// InvalidError is a structurally broken process (missing reference, bad expression...).
type InvalidError struct {
	ID  string
	Msg string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.ID == "" {
		return "invalid BPMN: " + e.Msg
	}
	return fmt.Sprintf("invalid BPMN: element %q: %s", e.ID, e.Msg)
}
