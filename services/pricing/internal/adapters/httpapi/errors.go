package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// errorWriter turns any use-case error into the error envelope: the one place where errors meet HTTP.
type errorWriter struct{ m *apierror.Mapper }

func newMapper(log *slog.Logger) errorWriter {
	return errorWriter{m: apierror.NewMapper(log,
		apierror.Is(domain.ErrNotFound, http.StatusNotFound, "NOT_FOUND"),
		apierror.As[*domain.MissingPricesError](http.StatusNotFound, "NOT_FOUND"),
		apierror.Is(domain.ErrDuplicateName, http.StatusConflict, "CONFLICT"),
		apierror.As[*domain.LockedError](http.StatusLocked, "LOCKED"),
		apierror.Is(app.ErrNoPrices, http.StatusUnprocessableEntity, "VALIDATION_ERROR"),
	)}
}

// Write writes err as the envelope; domain validation problems become 422 details.
func (e errorWriter) Write(w http.ResponseWriter, r *http.Request, err error) {
	var verr *domain.ValidationError
	if errors.As(err, &verr) {
		api := &apierror.ValidationError{}
		for _, p := range verr.Problems {
			api.Add(p.Field, p.Message)
		}
		err = api
	}
	e.m.Write(w, r, err)
}
