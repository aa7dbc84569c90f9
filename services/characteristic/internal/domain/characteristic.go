package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Field limits from the API contract.
const (
	MaxNameLength  = 200
	MaxValueLength = 100
)

// decimalPattern is the shape of a value in a measurable unit: an optionally signed decimal.
var decimalPattern = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Characteristic is an atomic, named product attribute with a value and a unit.
type Characteristic struct {
	ID        uuid.UUID
	Name      string
	Value     string
	Unit      Unit
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Input is the unvalidated content of a new characteristic.
type Input struct {
	Name  string
	Value string
	Unit  string
}

// Patch is a partial update: nil fields keep their current value.
type Patch struct {
	Name  *string
	Value *string
	Unit  *string
}

// New validates in and returns a characteristic at version 1.
func New(id uuid.UUID, in Input, now time.Time) (Characteristic, error) {
	c := Characteristic{ID: id, Version: 1, CreatedAt: now, UpdatedAt: now}
	verr := &ValidationError{}
	c.Name = checkName(verr, in.Name)
	c.Value = checkValue(verr, in.Value)
	c.Unit = checkUnit(verr, in.Unit)
	if verr.orNil() == nil {
		checkCompatible(verr, c.Value, c.Unit)
	}
	if err := verr.orNil(); err != nil {
		return Characteristic{}, err
	}
	return c, nil
}

// Apply validates p against c and changes c when every field is valid. The version is not
// touched: the repository increments it when it stores the change.
func (c *Characteristic) Apply(p Patch, now time.Time) error {
	next := *c
	verr := &ValidationError{}
	if p.Name != nil {
		next.Name = checkName(verr, *p.Name)
	}
	if p.Value != nil {
		next.Value = checkValue(verr, *p.Value)
	}
	if p.Unit != nil {
		next.Unit = checkUnit(verr, *p.Unit)
	}
	if verr.orNil() == nil {
		checkCompatible(verr, next.Value, next.Unit)
	}
	if err := verr.orNil(); err != nil {
		return err
	}
	next.UpdatedAt = now
	*c = next
	return nil
}

// CheckVersion returns a *VersionMismatchError when expected is set and differs from c's version.
func (c Characteristic) CheckVersion(expected *int64) error {
	if expected != nil && *expected != c.Version {
		return &VersionMismatchError{Expected: *expected, Actual: c.Version}
	}
	return nil
}

// CanDelete refuses the deletion while any specification references c.
func (c Characteristic) CanDelete(referencedBy []uuid.UUID) error {
	if len(referencedBy) > 0 {
		return &ReferencedError{ID: c.ID, Specifications: referencedBy}
	}
	return nil
}

func checkName(verr *ValidationError, s string) string {
	name := strings.TrimSpace(s)
	switch {
	case name == "":
		verr.add("name", "must not be empty")
	case utf8.RuneCountInString(name) > MaxNameLength:
		verr.add("name", "must be at most 200 characters")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		verr.add("name", "must not contain control characters")
	}
	return name
}

func checkValue(verr *ValidationError, s string) string {
	value := strings.TrimSpace(s)
	switch {
	case value == "":
		verr.add("value", "must not be empty")
	case utf8.RuneCountInString(value) > MaxValueLength:
		verr.add("value", "must be at most 100 characters")
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		verr.add("value", "must not contain control characters")
	}
	return value
}

func checkUnit(verr *ValidationError, s string) Unit {
	u, err := ParseUnit(s)
	if err != nil {
		verr.add("unit_of_measure", err.Error())
	}
	return u
}

// checkCompatible enforces that a measurable unit carries a numeric value.
func checkCompatible(verr *ValidationError, value string, u Unit) {
	if !u.Measurable() {
		return
	}
	if !decimalPattern.MatchString(value) {
		verr.add("value", "must be a decimal number (like 100 or 99.9) for unit "+string(u))
	}
}
