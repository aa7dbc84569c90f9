package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Field limits.
const (
	MaxNameLen        = 200
	MaxDescriptionLen = 2000
	MaxChannelLen     = 100
	MaxListLen        = 100
)

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
	return "invalid offering: " + strings.Join(parts, "; ")
}

// Content is the editable part of an offering.
type Content struct {
	Name             string
	Description      *string
	SpecificationIDs []uuid.UUID
	PricingIDs       []uuid.UUID
	SalesChannels    []string
}

// RawContent is unvalidated input; ids are strings so every bad one can be named.
type RawContent struct {
	Name             *string
	Description      *string
	SpecificationIDs []string
	PricingIDs       []string
	SalesChannels    []string
}

// ParseContent validates the input, dropping duplicate ids and channels (first occurrence wins).
func ParseContent(in RawContent) (Content, error) {
	var verr ValidationError
	add := func(f, m string) { verr.Problems = append(verr.Problems, FieldProblem{f, m}) }
	var c Content
	if in.Name == nil {
		add("name", "field required")
	} else {
		c.Name = strings.TrimSpace(*in.Name)
		if n := utf8.RuneCountInString(c.Name); n < 1 || n > MaxNameLen {
			add("name", fmt.Sprintf("must be 1 to %d characters", MaxNameLen))
		}
	}
	if in.Description != nil {
		if utf8.RuneCountInString(*in.Description) > MaxDescriptionLen {
			add("description", fmt.Sprintf("must be at most %d characters", MaxDescriptionLen))
		}
		d := *in.Description
		c.Description = &d
	}
	c.SpecificationIDs = parseIDs("specification_ids", in.SpecificationIDs, add)
	c.PricingIDs = parseIDs("pricing_ids", in.PricingIDs, add)
	if len(in.SalesChannels) > MaxListLen {
		add("sales_channels", fmt.Sprintf("at most %d entries", MaxListLen))
	}
	c.SalesChannels = []string{}
	for i, ch := range in.SalesChannels {
		ch = strings.TrimSpace(ch)
		if n := utf8.RuneCountInString(ch); n < 1 || n > MaxChannelLen {
			add(fmt.Sprintf("sales_channels[%d]", i), fmt.Sprintf("must be 1 to %d characters", MaxChannelLen))
			continue
		}
		if !slices.Contains(c.SalesChannels, ch) {
			c.SalesChannels = append(c.SalesChannels, ch)
		}
	}
	if len(verr.Problems) > 0 {
		return Content{}, &verr
	}
	return c, nil
}

func parseIDs(field string, raw []string, add func(string, string)) []uuid.UUID {
	if len(raw) > MaxListLen {
		add(field, fmt.Sprintf("at most %d entries", MaxListLen))
		return nil
	}
	ids := []uuid.UUID{}
	for i, s := range raw {
		id, err := uuid.Parse(s)
		if err != nil || len(s) != 36 {
			add(fmt.Sprintf("%s[%d]", field, i), "must be a UUID")
			continue
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// Offering is the aggregate root of the product context.
type Offering struct {
	ID uuid.UUID
	Content
	Status             Status
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
	PublishedAt        *time.Time
	RetiredAt          *time.Time
	SagaID             uuid.NullUUID
	ProcessInstanceKey *int64
	FailureReason      *string
}

// New creates a DRAFT offering at version 1.
func New(id uuid.UUID, c Content, now time.Time) Offering {
	return Offering{ID: id, Content: c, Status: Draft, Version: 1, CreatedAt: now, UpdatedAt: now}
}

// move implements app.Tx.
func (o *Offering) move(action string, to Status, now time.Time) error {
	if !CanTransition(o.Status, to) {
		return &TransitionError{Action: action, From: o.Status}
	}
	o.Status = to
	o.UpdatedAt = now
	o.Version++
	return nil
}

// Update replaces the content of a DRAFT offering.
func (o *Offering) Update(c Content, now time.Time) error {
	if o.Status != Draft {
		return &TransitionError{Action: "update", From: o.Status}
	}
	o.Content = c
	o.UpdatedAt = now
	o.Version++
	return nil
}

// CheckDeletable allows deleting DRAFT offerings only.
func (o Offering) CheckDeletable() error {
	if o.Status != Draft {
		return &TransitionError{Action: "delete", From: o.Status}
	}
	return nil
}

// References tells which referenced ids exist (from the local replicas).
type References struct {
	KnownPrices         map[uuid.UUID]bool
	KnownSpecifications map[uuid.UUID]bool
}

// CheckPublishable lists every unmet publication precondition (nil when publishable).
func (o Offering) CheckPublishable(refs References) error {
	var problems []FieldProblem
	add := func(field, msg string) { problems = append(problems, FieldProblem{Field: field, Message: msg}) }
	if len(o.SpecificationIDs) == 0 {
		add("specification_ids", "at least one specification is required")
	}
	if len(o.PricingIDs) == 0 {
		add("pricing_ids", "at least one price is required")
	}
	if len(o.SalesChannels) == 0 {
		add("sales_channels", "at least one sales channel is required")
	}
	for i, id := range o.SpecificationIDs {
		if !refs.KnownSpecifications[id] {
			add(fmt.Sprintf("specification_ids[%d]", i), fmt.Sprintf("specification %s does not exist", id))
		}
	}
	for i, id := range o.PricingIDs {
		if !refs.KnownPrices[id] {
			add(fmt.Sprintf("pricing_ids[%d]", i), fmt.Sprintf("price %s does not exist", id))
		}
	}
	if len(problems) > 0 {
		return &PreconditionError{Problems: problems}
	}
	return nil
}

// StartPublication moves a publishable DRAFT offering to PUBLISHING under a new saga.
func (o *Offering) StartPublication(sagaID uuid.UUID, refs References, now time.Time) error {
	if o.Status != Draft {
		return &TransitionError{Action: "publish", From: o.Status}
	}
	if err := o.CheckPublishable(refs); err != nil {
		return err
	}
	if err := o.move("publish", Publishing, now); err != nil {
		return err
	}
	o.SagaID = uuid.NullUUID{UUID: sagaID, Valid: true}
	o.ProcessInstanceKey = nil
	o.FailureReason = nil
	return nil
}

// checkSaga implements app.Tx.
func (o Offering) checkSaga(sagaID uuid.UUID) error {
	if !o.SagaID.Valid || o.SagaID.UUID != sagaID {
		want := ""
		if o.SagaID.Valid {
			want = o.SagaID.UUID.String()
		}
		return &SagaMismatchError{Want: want, Got: sagaID.String()}
	}
	return nil
}

// ConfirmPublication moves PUBLISHING → PUBLISHED for the offering's saga.
// It reports false (no change) when the saga already confirmed it, so re-delivered jobs are harmless.
func (o *Offering) ConfirmPublication(sagaID uuid.UUID, now time.Time) (bool, error) {
	if err := o.checkSaga(sagaID); err != nil {
		return false, err
	}
	if o.Status == Published {
		return false, nil
	}
	if err := o.move("confirm publication of", Published, now); err != nil {
		return false, err
	}
	o.PublishedAt = &now
	return true, nil
}

// FailPublication moves PUBLISHING → DRAFT for the offering's saga, recording why.
// It reports false (no change) when that saga's failure was already recorded.
func (o *Offering) FailPublication(sagaID uuid.UUID, reason string, now time.Time) (bool, error) {
	if err := o.checkSaga(sagaID); err != nil {
		return false, err
	}
	if o.Status == Draft {
		return false, nil
	}
	if err := o.move("revert to draft", Draft, now); err != nil {
		return false, err
	}
	if strings.TrimSpace(reason) == "" {
		reason = "publication failed"
	}
	o.FailureReason = &reason
	return true, nil
}

// Retire moves PUBLISHED → RETIRED.
func (o *Offering) Retire(now time.Time) error {
	if err := o.move("retire", Retired, now); err != nil {
		return err
	}
	o.RetiredAt = &now
	return nil
}
