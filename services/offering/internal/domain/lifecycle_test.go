package domain

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestCanTransitionCoversEveryPair(t *testing.T) {
	t.Parallel()
	allowed := map[[2]Status]bool{
		{Draft, Publishing}:     true,
		{Publishing, Published}: true,
		{Publishing, Draft}:     true,
		{Published, Retired}:    true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			want := allowed[[2]Status{from, to}]
			verb := "refuses"
			if want {
				verb = "allows"
			}
			t.Run(fmt.Sprintf("the state machine %s %s to %s", verb, from, to), func(t *testing.T) {
				t.Parallel()
				if got := CanTransition(from, to); got != want {
					t.Fatalf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
				}
			})
		}
	}
}

func ptr[T any](v T) *T { return &v }

func publishable() (Offering, References) {
	spec, price := uuid.New(), uuid.New()
	o := New(uuid.New(), Content{
		Name: "Fiber", SpecificationIDs: []uuid.UUID{spec}, PricingIDs: []uuid.UUID{price}, SalesChannels: []string{"online"},
	}, t0)
	return o, References{KnownPrices: map[uuid.UUID]bool{price: true}, KnownSpecifications: map[uuid.UUID]bool{spec: true}}
}

// inStatus drives an offering through the real transitions into the wanted status.
func inStatus(t *testing.T, s Status) (Offering, uuid.UUID) {
	t.Helper()
	o, refs := publishable()
	saga := uuid.New()
	steps := map[Status]func() error{
		Draft:      func() error { return nil },
		Publishing: func() error { return o.StartPublication(saga, refs, t0) },
		Published: func() error {
			if err := o.StartPublication(saga, refs, t0); err != nil {
				return err
			}
			_, err := o.ConfirmPublication(saga, t0)
			return err
		},
		Retired: func() error {
			if err := o.StartPublication(saga, refs, t0); err != nil {
				return err
			}
			if _, err := o.ConfirmPublication(saga, t0); err != nil {
				return err
			}
			return o.Retire(t0)
		},
	}
	if err := steps[s](); err != nil {
		t.Fatalf("reach %s: %v", s, err)
	}
	return o, saga
}

func TestLifecycleOperations(t *testing.T) {
	t.Parallel()
	type op struct {
		name string
		run  func(o *Offering, saga uuid.UUID) error
		// allowedFrom lists the statuses the operation succeeds in, with the status it leads to.
		allowedFrom map[Status]Status
	}
	ops := []op{
		{"update", func(o *Offering, _ uuid.UUID) error { return o.Update(Content{Name: "x"}, t0) }, map[Status]Status{Draft: Draft}},
		{"delete", func(o *Offering, _ uuid.UUID) error { return o.CheckDeletable() }, map[Status]Status{Draft: Draft}},
		{"publish", func(o *Offering, _ uuid.UUID) error {
			_, refs := publishable()
			refs.KnownPrices[o.PricingIDs[0]] = true
			refs.KnownSpecifications[o.SpecificationIDs[0]] = true
			return o.StartPublication(uuid.New(), refs, t0)
		}, map[Status]Status{Draft: Publishing}},
		{"confirm", func(o *Offering, saga uuid.UUID) error { _, err := o.ConfirmPublication(saga, t0); return err },
			map[Status]Status{Publishing: Published, Published: Published}},
		{"fail", func(o *Offering, saga uuid.UUID) error { _, err := o.FailPublication(saga, "boom", t0); return err },
			map[Status]Status{Publishing: Draft}},
		{"retire", func(o *Offering, _ uuid.UUID) error { return o.Retire(t0) }, map[Status]Status{Published: Retired}},
	}
	for _, op := range ops {
		for _, from := range Statuses {
			to, ok := op.allowedFrom[from]
			name := fmt.Sprintf("%s is refused in %s", op.name, from)
			if ok {
				name = fmt.Sprintf("%s in %s leads to %s", op.name, from, to)
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				o, saga := inStatus(t, from)
				if op.name == "fail" && from == Draft {
					// A fresh draft has no saga; failing with a random saga is a mismatch, not a no-op.
					saga = uuid.New()
				}
				before := o.Version
				err := op.run(&o, saga)
				if !ok {
					var terr *TransitionError
					var serr *SagaMismatchError
					if !errors.As(err, &terr) && !errors.As(err, &serr) {
						t.Fatalf("error = %v, want a TransitionError or SagaMismatchError", err)
					}
					if o.Status != from || o.Version != before {
						t.Fatalf("refused %s changed the offering to %s v%d", op.name, o.Status, o.Version)
					}
					return
				}
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if o.Status != to {
					t.Fatalf("status %s, want %s", o.Status, to)
				}
			})
		}
	}
}

func TestSagaSteps(t *testing.T) {
	t.Parallel()
	t.Run("confirming twice changes nothing the second time", func(t *testing.T) {
		t.Parallel()
		o, saga := inStatus(t, Publishing)
		if changed, err := o.ConfirmPublication(saga, t0); err != nil || !changed || o.PublishedAt == nil {
			t.Fatalf("first confirm: %v %v", changed, err)
		}
		v := o.Version
		if changed, err := o.ConfirmPublication(saga, t0); err != nil || changed || o.Version != v {
			t.Fatalf("second confirm: changed=%v err=%v", changed, err)
		}
	})
	t.Run("reverting twice records the reason once", func(t *testing.T) {
		t.Parallel()
		o, saga := inStatus(t, Publishing)
		if changed, err := o.FailPublication(saga, "price missing", t0); err != nil || !changed {
			t.Fatalf("first revert: %v %v", changed, err)
		}
		if *o.FailureReason != "price missing" || o.SagaID.UUID != saga {
			t.Fatalf("reason %q saga %v", *o.FailureReason, o.SagaID)
		}
		if changed, err := o.FailPublication(saga, "other", t0); err != nil || changed || *o.FailureReason != "price missing" {
			t.Fatalf("second revert: %v %v", changed, err)
		}
	})
	t.Run("a step from another saga is refused", func(t *testing.T) {
		t.Parallel()
		o, _ := inStatus(t, Publishing)
		var serr *SagaMismatchError
		if _, err := o.ConfirmPublication(uuid.New(), t0); !errors.As(err, &serr) {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("publishing again clears the previous failure", func(t *testing.T) {
		t.Parallel()
		o, saga := inStatus(t, Publishing)
		if _, err := o.FailPublication(saga, "", t0); err != nil || *o.FailureReason != "publication failed" {
			t.Fatalf("revert: %v", err)
		}
		_, refs := publishable()
		refs.KnownPrices[o.PricingIDs[0]] = true
		refs.KnownSpecifications[o.SpecificationIDs[0]] = true
		next := uuid.New()
		if err := o.StartPublication(next, refs, t0); err != nil || o.FailureReason != nil || o.SagaID.UUID != next {
			t.Fatalf("republish: %v %+v", err, o)
		}
	})
}

func TestCheckPublishable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Offering, *References)
		want   func(Offering) string // "" = publishable
	}{
		{"a complete offering is publishable", func(*Offering, *References) {}, func(Offering) string { return "" }},
		{"no specification is named", func(o *Offering, _ *References) { o.SpecificationIDs = nil },
			func(Offering) string { return "at least one specification is required" }},
		{"no price is named", func(o *Offering, _ *References) { o.PricingIDs = nil },
			func(Offering) string { return "at least one price is required" }},
		{"no sales channel is named", func(o *Offering, _ *References) { o.SalesChannels = nil },
			func(Offering) string { return "at least one sales channel is required" }},
		{"an unknown price is named by id", func(_ *Offering, r *References) { r.KnownPrices = nil },
			func(o Offering) string { return fmt.Sprintf("price %s does not exist", o.PricingIDs[0]) }},
		{"an unknown specification is named by id", func(_ *Offering, r *References) { r.KnownSpecifications = nil },
			func(o Offering) string { return fmt.Sprintf("specification %s does not exist", o.SpecificationIDs[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, refs := publishable()
			tt.mutate(&o, &refs)
			err := o.CheckPublishable(refs)
			want := tt.want(o)
			if want == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var perr *PreconditionError
			if !errors.As(err, &perr) || len(perr.Problems) != 1 || perr.Problems[0].Message != want {
				t.Fatalf("error = %v, want the single problem %q", err, want)
			}
		})
	}
}

func TestParseContent(t *testing.T) {
	t.Parallel()
	good := uuid.NewString()
	tests := []struct {
		name       string
		in         RawContent
		wantFields []string
	}{
		{"only a name is enough", RawContent{Name: ptr("Fiber")}, nil},
		{"a missing name is named", RawContent{}, []string{"name"}},
		{"a blank name is named", RawContent{Name: ptr("  ")}, []string{"name"}},
		{"a bad specification id is named with its index", RawContent{Name: ptr("x"), SpecificationIDs: []string{good, "nope"}},
			[]string{"specification_ids[1]"}},
		{"a bad price id is named with its index", RawContent{Name: ptr("x"), PricingIDs: []string{"123"}}, []string{"pricing_ids[0]"}},
		{"an empty channel is named", RawContent{Name: ptr("x"), SalesChannels: []string{""}}, []string{"sales_channels[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseContent(tt.in)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) != len(tt.wantFields) || verr.Problems[0].Field != tt.wantFields[0] {
				t.Fatalf("error = %v, want fields %v", err, tt.wantFields)
			}
		})
	}
	c, err := ParseContent(RawContent{Name: ptr(" a "), PricingIDs: []string{good, good}, SalesChannels: []string{"web", "web"}})
	if err != nil || c.Name != "a" || len(c.PricingIDs) != 1 || len(c.SalesChannels) != 1 {
		t.Fatalf("duplicates must collapse: %+v %v", c, err)
	}
}
