// Package domain holds the product offering aggregate and its lifecycle rules; it does no I/O.
package domain

import (
	"errors"
	"fmt"
)

// Status is the lifecycle state of an offering.
type Status string

// Lifecycle states.
const (
	Draft      Status = "DRAFT"
	Publishing Status = "PUBLISHING"
	Published  Status = "PUBLISHED"
	Retired    Status = "RETIRED"
)

// Statuses lists every lifecycle state.
var Statuses = []Status{Draft, Publishing, Published, Retired}

// ParseStatus accepts exactly one of Statuses.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("status %q is not one of DRAFT, PUBLISHING, PUBLISHED, RETIRED", s)
}

// transitions is the state machine: DRAFT → PUBLISHING → PUBLISHED → RETIRED, and PUBLISHING → DRAFT when the saga fails.
var transitions = map[Status][]Status{
	Draft:      {Publishing},
	Publishing: {Published, Draft},
	Published:  {Retired},
	Retired:    nil,
}

// CanTransition reports whether the state machine allows from → to.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ErrNotFound means the offering does not exist.
var ErrNotFound = errors.New("offering not found")

// ErrVersionMismatch means the client's If-Match version is stale.
var ErrVersionMismatch = errors.New("offering was modified by someone else (version mismatch)")

// TransitionError is a refused lifecycle change or an edit outside DRAFT.
type TransitionError struct {
	Action string
	From   Status
}

// Error implements error.
func (e *TransitionError) Error() string {
	switch e.Action {
	case "update", "delete":
		return fmt.Sprintf("cannot %s offering in %s status; only DRAFT offerings can be changed", e.Action, e.From)
	default:
		return fmt.Sprintf("cannot %s offering in %s status", e.Action, e.From)
	}
}

// PreconditionError lists why an offering cannot be published, each problem with the field it concerns.
type PreconditionError struct{ Problems []FieldProblem }

// Error implements error.
func (e *PreconditionError) Error() string {
	msg := "offering cannot be published:"
	for i, p := range e.Problems {
		if i > 0 {
			msg += ";"
		}
		msg += " " + p.Message
	}
	return msg
}

// SagaMismatchError means a saga step refers to a saga that is not the offering's current one.
type SagaMismatchError struct {
	Want, Got string
}

// Error implements error.
func (e *SagaMismatchError) Error() string {
	return fmt.Sprintf("saga %s is not the offering's current saga %q", e.Got, e.Want)
}

// Event types published on product.offering.events.
const (
	EventOfferingCreated              = "OfferingCreated"
	EventOfferingUpdated              = "OfferingUpdated"
	EventOfferingDeleted              = "OfferingDeleted"
	EventOfferingPublicationInitiated = "OfferingPublicationInitiated"
	EventOfferingPublished            = "OfferingPublished"
	EventOfferingPublicationFailed    = "OfferingPublicationFailed"
	EventOfferingRetired              = "OfferingRetired"
)
