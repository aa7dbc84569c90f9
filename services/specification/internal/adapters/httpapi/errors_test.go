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

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

func TestErrorsMapToTheEnvelope(t *testing.T) {
	t.Parallel()
	spec, offering := uuid.New(), uuid.New()
	wrap := func(err error) error { return fmt.Errorf("replace specification %s: %w", spec, err) }
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string
		retryAfter string
	}{
		{"a missing specification is a 404", wrap(domain.ErrNotFound), 404, "NOT_FOUND", "specification not found", ""},
		{"a taken name is a 409", wrap(domain.ErrNameTaken), 409, "CONFLICT", "specification name already exists", ""},
		{"a published offering's specification is a 409 naming it", wrap(&domain.ReferencedError{ID: spec, Offerings: []uuid.UUID{offering}}),
			409, "CONFLICT", fmt.Sprintf("specification %s is referenced by published offerings %s", spec, offering), ""},
		{"a stale version is a 412", wrap(&domain.VersionMismatchError{Expected: 1, Actual: 3}), 412, "PRECONDITION_FAILED",
			"specification version is 3, not the expected 1", ""},
		{"invalid fields are a 422", wrap(&domain.ValidationError{Fields: []domain.FieldError{{Field: "name", Message: "x"}}}),
			422, "VALIDATION_ERROR", "request validation failed", ""},
		{"unknown characteristics are a 422", wrap(&domain.UnknownCharacteristicsError{Fields: []domain.FieldError{{Field: "characteristic_ids[0]", Message: "x"}}}),
			422, "VALIDATION_ERROR", "request validation failed", ""},
		{"an unreachable characteristic service is a 503 that hides its cause",
			fmt.Errorf("look up: %w: %w", app.ErrDirectoryUnavailable, errors.New("dial tcp 10.0.0.7:8002: refused")),
			503, "SERVICE_UNAVAILABLE", "the characteristic service is unavailable; retry later", "5"},
		{"anything else is a 500 that hides its cause", wrap(errors.New("pool closed")), 500, "INTERNAL_ERROR", "internal error", ""},
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &Handler{mapper: NewMapper(log), log: log}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h.fail(rec, httptest.NewRequest(http.MethodPut, "/api/v1/specifications/x", nil), tc.err)
			var env struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || env.Error.Code != tc.code || env.Error.Message != tc.message || rec.Header().Get("Retry-After") != tc.retryAfter {
				t.Fatalf("got %d %s %q retry %q, want %d %s %q retry %q", rec.Code, env.Error.Code, env.Error.Message,
					rec.Header().Get("Retry-After"), tc.status, tc.code, tc.message, tc.retryAfter)
			}
		})
	}
}
