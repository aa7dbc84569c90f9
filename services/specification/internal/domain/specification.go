package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits of a specification.
const (
	// MaxNameLength is the longest specification name.
	MaxNameLength = 200
	// MaxCharacteristics bounds the characteristic ids of one specification (and so the
	// lookups one request can cause at the characteristic service).
	MaxCharacteristics = 100
)

// Specification is a named collection of characteristics.
type Specification struct {
	ID                uuid.UUID
	Name              string
	CharacteristicIDs []uuid.UUID
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Input is the unvalidated content of a specification (create and full replacement).
type Input struct {
	Name              string
	CharacteristicIDs []string
}

// New validates in and returns a specification at version 1. Duplicate characteristic ids
// are kept once, in first-seen order.
func New(id uuid.UUID, in Input, now time.Time) (Specification, error) {
	name, ids, err := parse(in)
	if err != nil {
		return Specification{}, err
	}
	return Specification{ID: id, Name: name, CharacteristicIDs: ids, Version: 1, CreatedAt: now, UpdatedAt: now}, nil
}

// Replace validates in and replaces name and characteristics (PUT is a full replacement).
// The version is incremented by the repository when it stores the change.
func (s *Specification) Replace(in Input, now time.Time) error {
	name, ids, err := parse(in)
	if err != nil {
		return err
	}
	s.Name, s.CharacteristicIDs, s.UpdatedAt = name, ids, now
	return nil
}

// CheckVersion returns a *VersionMismatchError when expected is set and differs.
func (s Specification) CheckVersion(expected *int64) error {
	if expected != nil && *expected != s.Version {
		return &VersionMismatchError{Expected: *expected, Actual: s.Version}
	}
	return nil
}

// CanDelete refuses the deletion while an offering whose state blocks deletion (a published
// one) references s; refs are the offerings that reference s.
func (s Specification) CanDelete(refs []OfferingRef) error {
	var blocking []uuid.UUID
	for _, r := range refs {
		if !r.Deleted && r.Status.BlocksDeletion() {
			blocking = append(blocking, r.OfferingID)
		}
	}
	if len(blocking) > 0 {
		return &ReferencedError{ID: s.ID, Offerings: blocking}
	}
	return nil
}

// RequireCharacteristics checks that every characteristic of ids is in existing and names
// the missing ones by their position.
func RequireCharacteristics(ids []uuid.UUID, existing map[uuid.UUID]bool) error {
	var missing UnknownCharacteristicsError
	for i, id := range ids {
		if !existing[id] {
			missing.IDs = append(missing.IDs, id)
			missing.Fields = append(missing.Fields, FieldError{
				Field:   fmt.Sprintf("characteristic_ids[%d]", i),
				Message: fmt.Sprintf("characteristic %s does not exist", id),
			})
		}
	}
	if len(missing.IDs) == 0 {
		return nil
	}
	return &missing
}

func parse(in Input) (string, []uuid.UUID, error) {
	verr := &ValidationError{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		verr.add("name", "must not be empty")
	case utf8.RuneCountInString(name) > MaxNameLength:
		verr.add("name", "must be at most 200 characters")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		verr.add("name", "must not contain control characters")
	}
	switch {
	case len(in.CharacteristicIDs) == 0:
		verr.add("characteristic_ids", "must contain at least one characteristic id")
	case len(in.CharacteristicIDs) > MaxCharacteristics:
		verr.add("characteristic_ids", fmt.Sprintf("must contain at most %d characteristic ids", MaxCharacteristics))
		return "", nil, verr
	}
	ids := make([]uuid.UUID, 0, len(in.CharacteristicIDs))
	seen := make(map[uuid.UUID]bool, len(in.CharacteristicIDs))
	for i, s := range in.CharacteristicIDs {
		id, err := uuid.Parse(s)
		if err != nil || len(s) != 36 {
			verr.add(fmt.Sprintf("characteristic_ids[%d]", i), "must be a UUID")
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if err := verr.orNil(); err != nil {
		return "", nil, err
	}
	return name, ids, nil
}
