package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/libs/outbox"
)

// errInjected is the failure the broken outbox writer reports after writing.
var errInjected = errors.New("injected failure after the outbox write")

// TestAFailureAfterTheWriteLeavesNothing drives every write through an outbox writer that
// appends the event and then fails: the transaction must roll back the row and the event.
func TestAFailureAfterTheWriteLeavesNothing(t *testing.T) {
	t.Parallel()
	healthy := newFixture(t, nil)
	speed := healthy.create("Speed", "100", "Mbps")
	broken := newFixtureOn(t, healthy.pool, func(ctx context.Context, tx pgx.Tx, events ...outbox.Event) error {
		if err := outbox.Add(ctx, tx, events...); err != nil {
			return err
		}
		return errInjected
	})

	cases := []struct {
		name, method, path string
		body               any
	}{
		{"a failed create stores no row and no event", http.MethodPost, "/api/v1/characteristics", map[string]string{"name": "Ghost", "value": "1", "unit_of_measure": "GB"}},
		{"a failed update keeps the old row and adds no event", http.MethodPut, "/api/v1/characteristics/" + speed.ID, map[string]string{"value": "999"}},
		{"a failed delete keeps the row and adds no event", http.MethodDelete, "/api/v1/characteristics/" + speed.ID, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := expectError(t, broken.do(t, "ADMIN", tc.method, tc.path, tc.body), 500, "INTERNAL_ERROR")
			if env.Error.Message != "internal error" {
				t.Fatalf("a 500 leaked its cause: %q", env.Error.Message)
			}
			if n := healthy.count(`SELECT count(*) FROM characteristics WHERE name = 'Ghost'`); n != 0 {
				t.Fatalf("ghost rows: %d", n)
			}
			if n := healthy.count(`SELECT count(*) FROM outbox`); n != 1 {
				t.Fatalf("outbox rows = %d, want only the first Created", n)
			}
			got := healthy.do(t, "ADMIN", http.MethodGet, "/api/v1/characteristics/"+speed.ID, nil)
			if c := decode[characteristic](t, got); c != speed {
				t.Fatalf("characteristic changed to %+v", c)
			}
		})
	}
}
