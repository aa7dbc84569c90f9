package domain

import (
	"fmt"

	"github.com/google/uuid"
)

// Characteristic is the local replica of one characteristic of the characteristic service.
type Characteristic struct {
	ID      uuid.UUID
	Name    string
	Value   string
	Unit    string
	Version int64
	Deleted bool
}

// LifecycleStatus is an offering's publication state.
type LifecycleStatus string

// The offering lifecycle states.
const (
	StatusDraft      LifecycleStatus = "DRAFT"
	StatusPublishing LifecycleStatus = "PUBLISHING"
	StatusPublished  LifecycleStatus = "PUBLISHED"
	StatusRetired    LifecycleStatus = "RETIRED"
)

// ParseLifecycleStatus returns the status spelled s.
func ParseLifecycleStatus(s string) (LifecycleStatus, error) {
	switch st := LifecycleStatus(s); st {
	case StatusDraft, StatusPublishing, StatusPublished, StatusRetired:
		return st, nil
	}
	return "", fmt.Errorf("unknown lifecycle status %q", s)
}

// BlocksDeletion reports whether an offering in this state keeps its specifications from
// being deleted: only a published offering does.
func (s LifecycleStatus) BlocksDeletion() bool { return s == StatusPublished }

// OfferingRef is what the service knows about one offering's use of specifications.
type OfferingRef struct {
	OfferingID       uuid.UUID
	Status           LifecycleStatus
	SpecificationIDs []uuid.UUID
	Version          int64
	Deleted          bool
}
