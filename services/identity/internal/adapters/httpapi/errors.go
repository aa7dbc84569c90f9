package httpapi

import (
	"errors"
	"log/slog"
	"math"
	"net/http"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// newMapper is the one table from identity errors to HTTP answers.
func newMapper(log *slog.Logger) *apierror.Mapper {
	return apierror.NewMapper(log,
		apierror.Is(domain.ErrUsernameTaken, http.StatusConflict, apierror.CodeConflict),
	)
}

// fail answers err. Credential and throttling errors get fixed client messages (and the
// headers their statuses require) before the mapper writes them.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	var throttled *domain.ThrottledError
	switch {
	case errors.Is(err, domain.ErrInvalidCredentials):
		w.Header().Set("WWW-Authenticate", `Bearer`)
		err = apierror.New(http.StatusUnauthorized, apierror.CodeUnauthorized, "Invalid credentials")
	case errors.Is(err, domain.ErrInvalidClient):
		w.Header().Set("WWW-Authenticate", `Basic realm="tmf-catalog"`)
		err = apierror.New(http.StatusUnauthorized, apierror.CodeUnauthorized, "Invalid client credentials")
	case errors.As(err, &throttled):
		err = &apierror.Error{
			Status: http.StatusTooManyRequests, Code: apierror.CodeRateLimited,
			Message:    "Too many failed attempts; try again later",
			RetryAfter: int(math.Ceil(throttled.RetryAfter.Seconds())),
		}
	}
	h.mapper.Write(w, r, err)
}
