// Package domain holds the characteristic aggregate and its rules. It does no I/O.
package domain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// ErrNotFound is returned when no characteristic has the requested id.
var ErrNotFound = errors.New("characteristic not found")

// ErrNameTaken is returned when another characteristic already uses the name.
var ErrNameTaken = errors.New("characteristic name already exists")

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
	return "invalid characteristic: " + strings.Join(parts, "; ")
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

// ReferencedError refuses a deletion while specifications reference the characteristic.
type ReferencedError struct {
	ID             uuid.UUID
	Specifications []uuid.UUID
}

// Error implements error.
func (e *ReferencedError) Error() string {
	ids := make([]string, 0, len(e.Specifications))
	for _, id := range e.Specifications {
		ids = append(ids, id.String())
	}
	return fmt.Sprintf("characteristic %s is referenced by specifications %s", e.ID, strings.Join(ids, ", "))
}

// VersionMismatchError is returned when the caller's expected version is not the stored one.
type VersionMismatchError struct {
	Expected, Actual int64
}

// Error implements error.
func (e *VersionMismatchError) Error() string {
	return fmt.Sprintf("characteristic version is %d, not the expected %d", e.Actual, e.Expected)
}
