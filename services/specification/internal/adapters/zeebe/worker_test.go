package zeebe_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/specification/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

type noDirectory struct{}

func (noDirectory) Lookup(context.Context, uuid.UUID) (domain.Characteristic, bool, error) {
	return domain.Characteristic{}, false, nil
}

// failingValidator stands for a database outage.
type failingValidator struct{}

func (failingValidator) ValidateExisting(context.Context, []string) error {
	return errors.New("connection refused")
}

func TestValidateSpecificationsJob(t *testing.T) {
	t.Parallel()
	migs, err := migrations.For("specification")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	svc := app.New(postgres.NewRepository(pool, nil), postgres.NewReplica(pool), noDirectory{}, postgres.NewOfferings(pool))
	ctx := context.Background()
	char := uuid.New()
	if _, err := svc.ReplicateCharacteristic(ctx, "specification", uuid.NewString(),
		domain.Characteristic{ID: char, Name: "Speed", Value: "1", Unit: "Mbps", Version: 1}); err != nil {
		t.Fatal(err)
	}
	var existing []string
	for _, name := range []string{"Basic", "Premium"} {
		s, err := svc.Create(ctx, domain.Input{Name: name, CharacteristicIDs: []string{char.String()}})
		if err != nil {
			t.Fatal(err)
		}
		existing = append(existing, s.ID.String())
	}
	ghost := uuid.NewString()
	handler := zeebe.Handler(svc)

	tests := []struct {
		name       string
		ids        any
		wantReason string
	}{
		{"existing specifications pass", []any{existing[0], existing[1]}, ""},
		{"an empty list passes", []any{}, ""},
		{"a missing specification is a business error naming it", []any{existing[0], ghost}, "specification " + ghost + " not found"},
		{"a malformed id is a business error naming it", []any{"not-an-id"}, "specification not-an-id not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := sagaworker.Job{Key: 1, Type: zeebe.JobType, Variables: map[string]any{"specification_ids": tc.ids}}
			vars, err := handler(ctx, job)
			if tc.wantReason == "" {
				if err != nil || len(vars) != 0 {
					t.Fatalf("vars %v err %v, want success", vars, err)
				}
				return
			}
			reason, ok := sagaworker.IsBusinessError(err)
			if !ok || reason != tc.wantReason {
				t.Fatalf("err = %v (business=%v, reason %q), want reason %q", err, ok, reason, tc.wantReason)
			}
		})
	}

	t.Run("a technical failure is not a business error, so the job is retried", func(t *testing.T) {
		_, err := zeebe.Handler(failingValidator{})(ctx, sagaworker.Job{Variables: map[string]any{"specification_ids": []any{ghost}}})
		if _, business := sagaworker.IsBusinessError(err); err == nil || business {
			t.Fatalf("err = %v, want a plain failure", err)
		}
	})
}
