package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

func TestErrorsMapToTheEnvelope(t *testing.T) {
	t.Parallel()
	char, spec := uuid.New(), uuid.New()
	wrap := func(err error) error { return fmt.Errorf("delete characteristic %s: %w", char, err) }
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
	}{
		{"a missing characteristic is a 404", wrap(domain.ErrNotFound), 404, "NOT_FOUND", "characteristic not found"},
		{"a taken name is a 409", wrap(domain.ErrNameTaken), 409, "CONFLICT", "characteristic name already exists"},
		{"a referenced characteristic is a 409 naming the specifications", wrap(&domain.ReferencedError{ID: char, Specifications: []uuid.UUID{spec}}),
			409, "CONFLICT", fmt.Sprintf("characteristic %s is referenced by specifications %s", char, spec)},
		{"a stale version is a 412", wrap(&domain.VersionMismatchError{Expected: 1, Actual: 2}), 412, "PRECONDITION_FAILED",
			"characteristic version is 2, not the expected 1"},
		{"invalid fields are a 422", wrap(&domain.ValidationError{Fields: []domain.FieldError{{Field: "name", Message: "must not be empty"}}}),
			422, "VALIDATION_ERROR", "request validation failed"},
		{"anything else is a 500 that hides its cause", wrap(errors.New("pool closed")), 500, "INTERNAL_ERROR", "internal error"},
	}
	h := &Handler{mapper: NewMapper(slog.New(slog.NewTextHandler(io.Discard, nil)))}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h.fail(rec, httptest.NewRequest(http.MethodDelete, "/api/v1/characteristics/x", nil), tc.err)
			var env struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || env.Error.Code != tc.code || env.Error.Message != tc.message {
				t.Fatalf("got %d %s %q, want %d %s %q", rec.Code, env.Error.Code, env.Error.Message, tc.status, tc.code, tc.message)
			}
		})
	}
}
