package domain

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func validRaw() RawDetails {
	return RawDetails{Name: "Monthly fee", Value: "50", ValueIsNumber: true, Unit: "per month", Currency: "USD"}
}

func TestParseDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mutate     func(*RawDetails)
		wantFields []string
	}{
		{"a complete input is valid", func(*RawDetails) {}, nil},
		{"an unknown currency names currency", func(r *RawDetails) { r.Currency = "GBP" }, []string{"currency"}},
		{"an empty name names name", func(r *RawDetails) { r.Name = "  " }, []string{"name"}},
		{"a long unit names unit", func(r *RawDetails) { r.Unit = string(make([]byte, 51)) }, []string{"unit"}},
		{"a negative value names value", func(r *RawDetails) { r.Value = "-1" }, []string{"value"}},
		{"every problem is reported at once", func(r *RawDetails) { r.Name = ""; r.Currency = "x"; r.Value = "0" }, []string{"name", "value", "currency"}},
		{"missing fields are named", func(r *RawDetails) { r.Present = map[string]bool{"name": true} }, []string{"value", "unit", "currency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := validRaw()
			tt.mutate(&raw)
			d, err := ParseDetails(raw)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if d.Value.String() != "50.00" || d.Currency != USD {
					t.Fatalf("unexpected details %+v", d)
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("error %v is not a ValidationError", err)
			}
			var got []string
			for _, p := range verr.Problems {
				got = append(got, p.Field)
			}
			if len(got) != len(tt.wantFields) {
				t.Fatalf("fields %v, want %v", got, tt.wantFields)
			}
			for i := range got {
				if got[i] != tt.wantFields[i] {
					t.Fatalf("fields %v, want %v", got, tt.wantFields)
				}
			}
		})
	}
}

func newPrice(t *testing.T) Price {
	t.Helper()
	d, err := ParseDetails(validRaw())
	if err != nil {
		t.Fatal(err)
	}
	return NewPrice(uuid.New(), d, now)
}

func TestHolds(t *testing.T) {
	t.Parallel()
	sagaA, sagaB, offering := uuid.New(), uuid.New(), uuid.New()

	t.Run("an unheld price can be updated and deleted", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		if err := p.CheckDeletable(); err != nil {
			t.Fatal(err)
		}
		if err := p.Update(p.Details, now.Add(time.Minute)); err != nil || p.Version != 2 {
			t.Fatalf("update: %v, version %d", err, p.Version)
		}
	})
	t.Run("a held price refuses update and delete naming the saga", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		p.AddHold(Hold{SagaID: sagaA, CreatedAt: now})
		var lerr *LockedError
		if err := p.Update(p.Details, now); !errors.As(err, &lerr) || lerr.SagaIDs[0] != sagaA {
			t.Fatalf("update error = %v, want LockedError by %s", err, sagaA)
		}
		if err := p.CheckDeletable(); !errors.As(err, &lerr) {
			t.Fatalf("delete error = %v", err)
		}
		if p.Version != 2 {
			t.Fatalf("refused update changed version to %d", p.Version)
		}
	})
	t.Run("the same saga locking twice changes nothing the second time", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		if !p.AddHold(Hold{SagaID: sagaA}) || p.AddHold(Hold{SagaID: sagaA}) {
			t.Fatal("first lock must change, second must not")
		}
		if len(p.Holds) != 1 || p.Version != 2 {
			t.Fatalf("holds %d version %d", len(p.Holds), p.Version)
		}
	})
	t.Run("two sagas keep the price frozen until both release", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		p.AddHold(Hold{SagaID: sagaA})
		p.AddHold(Hold{SagaID: sagaB})
		if by, _ := p.LockedBy(); by != sagaA {
			t.Fatalf("locked by %s, want the oldest hold %s", by, sagaA)
		}
		if !p.ReleaseSaga(sagaA) || !p.Locked() {
			t.Fatal("after one release the price must stay locked")
		}
		if by, _ := p.LockedBy(); by != sagaB {
			t.Fatalf("locked by %s, want %s", by, sagaB)
		}
		if !p.ReleaseSaga(sagaB) || p.Locked() {
			t.Fatal("after both releases the price must be free")
		}
	})
	t.Run("releasing a saga that holds nothing is a no-op", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		p.AddHold(Hold{SagaID: sagaA})
		v := p.Version
		if p.ReleaseSaga(sagaB) || p.Version != v || !p.Locked() {
			t.Fatal("foreign release must change nothing")
		}
	})
	t.Run("retiring an offering releases only its holds", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		p.AddHold(Hold{SagaID: sagaA, OfferingID: uuid.NullUUID{UUID: offering, Valid: true}})
		p.AddHold(Hold{SagaID: sagaB})
		if !p.ReleaseOffering(offering) || len(p.Holds) != 1 || p.Holds[0].SagaID != sagaB {
			t.Fatalf("holds after release: %+v", p.Holds)
		}
		if p.ReleaseOffering(offering) {
			t.Fatal("second release of the same offering must be a no-op")
		}
	})
	t.Run("an administrative unlock releases every hold", func(t *testing.T) {
		t.Parallel()
		p := newPrice(t)
		p.AddHold(Hold{SagaID: sagaA})
		p.AddHold(Hold{SagaID: sagaB})
		if !p.ReleaseAll() || p.Locked() || p.ReleaseAll() {
			t.Fatal("release all must free the price once")
		}
	})
}

func TestCheckAllFound(t *testing.T) {
	t.Parallel()
	a, b, c := newPrice(t), newPrice(t), uuid.New()
	if err := CheckAllFound([]uuid.UUID{a.ID, b.ID}, []Price{a, b}); err != nil {
		t.Fatalf("all found: %v", err)
	}
	var merr *MissingPricesError
	err := CheckAllFound([]uuid.UUID{a.ID, c, c}, []Price{a})
	if !errors.As(err, &merr) || len(merr.IDs) != 1 || merr.IDs[0] != c {
		t.Fatalf("error = %v, want missing %s once", err, c)
	}
}

func TestParseCurrency(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"USD", "EUR", "TRY"} {
		if _, err := ParseCurrency(c); err != nil {
			t.Errorf("%s refused: %v", c, err)
		}
	}
	for _, c := range []string{"usd", "GBP", ""} {
		if _, err := ParseCurrency(c); err == nil {
			t.Errorf("%q accepted", c)
		}
	}
}
