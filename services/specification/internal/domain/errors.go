// Package domain holds the specification aggregate, the replicated characteristics and
// offering references it is checked against, and their rules. It does no I/O.
package domain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// ErrNotFound is returned when no specification has the requested id.
var ErrNotFound = errors.New("specification not found")

// ErrNameTaken is returned when another specification already uses the name.
var ErrNameTaken = errors.New("specification name already exists")

// FieldError names one invalid input field.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every invalid field of one input.
type ValidationError struct {
	Fields []FieldError
}

// Error implements error.
func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return "invalid specification: " + strings.Join(parts, "; ")
}

func (e *ValidationError) add(field, message string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message})
}

func (e *ValidationError) orNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// UnknownCharacteristicsError lists the characteristic ids of a specification that do not
// exist; it is a validation error naming each offending characteristic_ids[i] field.
type UnknownCharacteristicsError struct {
	Fields []FieldError
	IDs    []uuid.UUID
}

// Error implements error.
func (e *UnknownCharacteristicsError) Error() string {
	return "unknown characteristics: " + joinIDs(e.IDs)
}

// ReferencedError refuses a deletion while published offerings reference the specification.
type ReferencedError struct {
	ID        uuid.UUID
	Offerings []uuid.UUID
}

// Error implements error.
func (e *ReferencedError) Error() string {
	return fmt.Sprintf("specification %s is referenced by published offerings %s", e.ID, joinIDs(e.Offerings))
}

// VersionMismatchError is returned when the caller's expected version is not the stored one.
type VersionMismatchError struct {
	Expected, Actual int64
}

// Error implements error.
func (e *VersionMismatchError) Error() string {
	return fmt.Sprintf("specification version is %d, not the expected %d", e.Actual, e.Expected)
}

// MissingSpecificationsError lists specification ids that do not exist (saga validation).
type MissingSpecificationsError struct {
	IDs []string
}

// Error implements error.
func (e *MissingSpecificationsError) Error() string {
	if len(e.IDs) == 1 {
		return "specification " + e.IDs[0] + " not found"
	}
	return "specifications " + strings.Join(e.IDs, ", ") + " not found"
}

func joinIDs(ids []uuid.UUID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ", ")
}
