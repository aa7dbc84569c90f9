package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/gateway/internal/upstream"
)

// Errors the edge itself raises.
var (
	errBadPath       = errors.New("request path is not canonical (dot or empty segments)")
	errAdminOnly     = errors.New("this route requires the ADMIN role")
	errOriginRefused = errors.New("origin not allowed")
)

// keySetRetryAfter is the Retry-After sent when tokens cannot be checked (identity down).
const keySetRetryAfter = 5

// writeError is the one place the gateway turns an error into a response.
func (g *Gateway) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		return // the client left; nobody to answer
	}
	g.errs.Write(w, r, g.toAPIError(w, r, err))
}

// toAPIError classifies err; errors it does not know go to the mapper unchanged (413 for an
// oversized body, else a logged 500).
func (g *Gateway) toAPIError(w http.ResponseWriter, r *http.Request, err error) error {
	var (
		unavailable *upstream.UnavailableError
		timeout     *upstream.TimeoutError
		limited     *rateLimitedError
	)
	switch {
	case errors.As(err, &unavailable):
		g.log.WarnContext(r.Context(), "upstream unavailable", "upstream", unavailable.Upstream, "breaker_open", unavailable.BreakerOpen,
			"error", errText(unavailable.Cause))
		return &apierror.Error{Status: http.StatusServiceUnavailable, Code: apierror.CodeUnavailable,
			Message: unavailable.Error(), RetryAfter: seconds(unavailable.RetryAfter)}
	case errors.As(err, &timeout):
		g.log.WarnContext(r.Context(), "upstream timed out", "upstream", timeout.Upstream, "error", errText(timeout.Cause))
		return apierror.New(http.StatusGatewayTimeout, apierror.CodeGatewayTimeout, timeout.Error())
	case errors.As(err, &limited):
		return &apierror.Error{Status: http.StatusTooManyRequests, Code: apierror.CodeRateLimited,
			Message: limited.Error(), RetryAfter: limited.retryAfter()}
	case errors.Is(err, auth.ErrKeySetUnavailable):
		return &apierror.Error{Status: http.StatusServiceUnavailable, Code: apierror.CodeUnavailable,
			Message: "token verification is temporarily unavailable", RetryAfter: keySetRetryAfter}
	case errors.Is(err, auth.ErrNoToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="tmf-catalog"`)
		return apierror.New(http.StatusUnauthorized, apierror.CodeUnauthorized, "missing bearer token")
	case errors.Is(err, auth.ErrInvalidToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="tmf-catalog", error="invalid_token"`)
		return apierror.New(http.StatusUnauthorized, apierror.CodeUnauthorized, "invalid or expired token")
	case errors.Is(err, errAdminOnly):
		return apierror.New(http.StatusForbidden, apierror.CodeForbidden, err.Error())
	case errors.Is(err, errOriginRefused):
		return apierror.New(http.StatusForbidden, apierror.CodeForbidden, err.Error())
	case errors.Is(err, errBadPath):
		return apierror.New(http.StatusBadRequest, apierror.CodeBadRequest, err.Error())
	}
	return err
}

func seconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		return 1
	}
	return s
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
