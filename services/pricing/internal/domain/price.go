package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Currency is an ISO 4217 code accepted by the catalog.
type Currency string

// Accepted currencies.
const (
	USD Currency = "USD"
	EUR Currency = "EUR"
	TRY Currency = "TRY"
)

// Currencies lists every accepted currency.
var Currencies = []Currency{USD, EUR, TRY}

// ParseCurrency accepts exactly one of Currencies.
func ParseCurrency(s string) (Currency, error) {
	c := Currency(s)
	if !slices.Contains(Currencies, c) {
		return "", fmt.Errorf("currency %q is not one of USD, EUR, TRY", s)
	}
	return c, nil
}

// Field limits from the pricing validation rules.
const (
	MaxNameLen = 200
	MaxUnitLen = 50
)

// ErrNotFound means the price does not exist.
var ErrNotFound = errors.New("price not found")

// ErrDuplicateName means another price already has the name.
var ErrDuplicateName = errors.New("a price with this name already exists")

// FieldProblem names one invalid input field.
type FieldProblem struct{ Field, Message string }

// ValidationError lists every invalid field of one input.
type ValidationError struct{ Problems []FieldProblem }

// Error implements error.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "invalid price: " + strings.Join(parts, "; ")
}

// add implements app.Tx.
func (e *ValidationError) add(field, msg string) {
	e.Problems = append(e.Problems, FieldProblem{field, msg})
}

// orNil implements app.Tx.
func (e *ValidationError) orNil() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// LockedError means a price is held by at least one saga and cannot change.
type LockedError struct {
	PriceID uuid.UUID
	SagaIDs []uuid.UUID
}

// Error implements error.
func (e *LockedError) Error() string {
	ids := make([]string, len(e.SagaIDs))
	for i, s := range e.SagaIDs {
		ids[i] = s.String()
	}
	return fmt.Sprintf("price %s is locked by saga(s) %s", e.PriceID, strings.Join(ids, ", "))
}

// MissingPricesError names the prices of a lock request that do not exist.
type MissingPricesError struct{ IDs []uuid.UUID }

// Error implements error.
func (e *MissingPricesError) Error() string {
	ids := make([]string, len(e.IDs))
	for i, s := range e.IDs {
		ids[i] = s.String()
	}
	return "prices not found: " + strings.Join(ids, ", ")
}

// Details is the validated content of a price, as created or replaced by an update.
type Details struct {
	Name     string
	Value    Amount
	Unit     string
	Currency Currency
}

// RawDetails is unvalidated input; Value is the decimal text and ValueIsNumber tells whether it was a JSON number.
type RawDetails struct {
	Name, Value, Unit, Currency string
	ValueIsNumber               bool
	// Present lists the fields the input carried; missing required fields are reported.
	Present map[string]bool
}

// ParseDetails validates every field and reports all problems at once.
func ParseDetails(in RawDetails) (Details, error) {
	var verr ValidationError
	var d Details
	for _, f := range []string{"name", "value", "unit", "currency"} {
		if in.Present != nil && !in.Present[f] {
			verr.add(f, "field required")
		}
	}
	if len(verr.Problems) > 0 {
		return Details{}, &verr
	}
	d.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(d.Name); n < 1 || n > MaxNameLen {
		verr.add("name", fmt.Sprintf("must be 1 to %d characters", MaxNameLen))
	}
	d.Unit = strings.TrimSpace(in.Unit)
	if n := utf8.RuneCountInString(d.Unit); n < 1 || n > MaxUnitLen {
		verr.add("unit", fmt.Sprintf("must be 1 to %d characters", MaxUnitLen))
	}
	var err error
	if in.ValueIsNumber {
		d.Value, err = ParseAmountNumber(in.Value)
	} else {
		d.Value, err = ParseAmount(in.Value)
	}
	if err != nil {
		verr.add("value", err.Error())
	}
	if d.Currency, err = ParseCurrency(in.Currency); err != nil {
		verr.add("currency", err.Error())
	}
	if err := verr.orNil(); err != nil {
		return Details{}, err
	}
	return d, nil
}

// Hold records that a saga (publishing an offering) froze the price.
type Hold struct {
	SagaID     uuid.UUID
	OfferingID uuid.NullUUID
	CreatedAt  time.Time
}

// Price is the aggregate root of the pricing context.
type Price struct {
	ID uuid.UUID
	Details
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// Holds is ordered by CreatedAt (oldest first).
	Holds []Hold
}

// NewPrice creates version 1 of a price.
func NewPrice(id uuid.UUID, d Details, now time.Time) Price {
	return Price{ID: id, Details: d, Version: 1, CreatedAt: now, UpdatedAt: now}
}

// Locked reports whether any saga holds the price.
func (p Price) Locked() bool { return len(p.Holds) > 0 }

// LockedBy returns the saga of the oldest hold.
func (p Price) LockedBy() (uuid.UUID, bool) {
	if len(p.Holds) == 0 {
		return uuid.Nil, false
	}
	return p.Holds[0].SagaID, true
}

// lockedError implements app.Tx.
func (p Price) lockedError() error {
	if !p.Locked() {
		return nil
	}
	ids := make([]uuid.UUID, len(p.Holds))
	for i, h := range p.Holds {
		ids[i] = h.SagaID
	}
	return &LockedError{PriceID: p.ID, SagaIDs: ids}
}

// Update replaces the details; a held price refuses.
func (p *Price) Update(d Details, now time.Time) error {
	if err := p.lockedError(); err != nil {
		return err
	}
	p.Details = d
	p.UpdatedAt = now
	p.Version++
	return nil
}

// CheckDeletable refuses to delete a held price.
func (p Price) CheckDeletable() error { return p.lockedError() }

// AddHold adds the saga's hold; it reports false (and changes nothing) when the saga already holds the price.
func (p *Price) AddHold(h Hold) bool {
	for _, existing := range p.Holds {
		if existing.SagaID == h.SagaID {
			return false
		}
	}
	p.Holds = append(p.Holds, h)
	p.Version++
	return true
}

// Release removes the holds matching keep==false; it reports whether anything was removed.
func (p *Price) release(drop func(Hold) bool) bool {
	before := len(p.Holds)
	p.Holds = slices.DeleteFunc(p.Holds, drop)
	if len(p.Holds) == before {
		return false
	}
	p.Version++
	return true
}

// ReleaseSaga removes the saga's hold; false when it held nothing.
func (p *Price) ReleaseSaga(sagaID uuid.UUID) bool {
	return p.release(func(h Hold) bool { return h.SagaID == sagaID })
}

// ReleaseOffering removes every hold taken for the offering; false when none existed.
func (p *Price) ReleaseOffering(offeringID uuid.UUID) bool {
	return p.release(func(h Hold) bool { return h.OfferingID.Valid && h.OfferingID.UUID == offeringID })
}

// ReleaseAll removes every hold (administrative unlock); false when none existed.
func (p *Price) ReleaseAll() bool {
	return p.release(func(Hold) bool { return true })
}

// CheckAllFound returns a MissingPricesError naming the requested ids absent from found.
func CheckAllFound(requested []uuid.UUID, found []Price) error {
	have := make(map[uuid.UUID]bool, len(found))
	for _, p := range found {
		have[p.ID] = true
	}
	var missing []uuid.UUID
	for _, id := range requested {
		if !have[id] && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return &MissingPricesError{IDs: missing}
	}
	return nil
}

// Event types published on commercial.pricing.events.
const (
	EventPriceCreated  = "PriceCreated"
	EventPriceUpdated  = "PriceUpdated"
	EventPriceDeleted  = "PriceDeleted"
	EventPriceLocked   = "PriceLocked"
	EventPriceUnlocked = "PriceUnlocked"
)
