package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// retryAfterSeconds is what a 503 asks the client to wait before publishing again.
const retryAfterSeconds = 5

// errorWriter turns any use-case error into the error envelope: the one place where errors meet HTTP.
type errorWriter struct{ m *apierror.Mapper }

func newErrorWriter(log *slog.Logger) errorWriter {
	return errorWriter{m: apierror.NewMapper(log,
		apierror.Is(domain.ErrNotFound, http.StatusNotFound, apierror.CodeNotFound),
		apierror.Is(domain.ErrVersionMismatch, http.StatusPreconditionFailed, apierror.CodePreconditionFailed),
		apierror.As[*domain.TransitionError](http.StatusBadRequest, apierror.CodeBusinessRule),
		apierror.As[*domain.SagaMismatchError](http.StatusConflict, apierror.CodeConflict),
	)}
}

// Write writes err as the envelope. Domain validation problems become 422 details, unmet publication
// preconditions a 400 listing each problem, an unstartable saga a 503 with Retry-After.
func (e errorWriter) Write(w http.ResponseWriter, r *http.Request, err error) {
	var (
		verr *domain.ValidationError
		perr *domain.PreconditionError
		serr *app.SagaUnavailableError
	)
	switch {
	case errors.As(err, &verr):
		api := &apierror.ValidationError{}
		for _, p := range verr.Problems {
			api.Add(p.Field, p.Message)
		}
		err = api
	case errors.As(err, &perr):
		details := make([]apierror.FieldError, len(perr.Problems))
		for i, p := range perr.Problems {
			details[i] = apierror.FieldError{Field: p.Field, Message: p.Message}
		}
		err = &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeBusinessRule, Message: perr.Error(), Details: details}
	case errors.As(err, &serr):
		err = &apierror.Error{Status: http.StatusServiceUnavailable, Code: apierror.CodeUnavailable, Message: serr.Error(),
			RetryAfter: retryAfterSeconds}
	}
	e.m.Write(w, r, err)
}
