package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// Middleware authenticates every request with v: it reads the "Authorization: Bearer" token,
// verifies it and stores the Principal in the request context (see PrincipalFrom). Failures go
// to onError; nil means WriteError (401 UNAUTHORIZED with WWW-Authenticate: Bearer, or 503
// SERVICE_UNAVAILABLE when the keys cannot be loaded).
func Middleware(v *Verifier, onError func(w http.ResponseWriter, r *http.Request, err error)) func(http.Handler) http.Handler {
	if onError == nil {
		onError = WriteError
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, err := BearerToken(r)
			if err != nil {
				onError(w, r, err)
				return
			}
			p, err := v.Verify(r.Context(), token)
			if err != nil {
				onError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// RequireRole lets a request through only when the principal placed by Middleware has one of
// roles: no principal → 401, another role → 403 FORBIDDEN (both written by WriteError).
func RequireRole(roles ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := PrincipalFrom(r.Context())
			if !ok {
				WriteError(w, r, ErrNoToken)
				return
			}
			if !p.HasRole(roles...) {
				WriteError(w, r, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// BearerToken extracts the token of an "Authorization: Bearer <token>" header. A missing
// header gives ErrNoToken; another scheme or an empty token gives ErrInvalidToken.
func BearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", ErrNoToken
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", errors.Join(ErrInvalidToken, errors.New("authorization scheme is not Bearer"))
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", errors.Join(ErrInvalidToken, errors.New("empty bearer token"))
	}
	return token, nil
}

// Status returns the HTTP status, error code and client message for an authentication or
// authorisation error, so a service's error mapper can reuse them.
func Status(err error) (status int, code, message string) {
	switch {
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, "FORBIDDEN", "Insufficient permissions"
	case errors.Is(err, ErrKeySetUnavailable):
		return http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "Token verification is temporarily unavailable"
	case errors.Is(err, ErrNoToken):
		return http.StatusUnauthorized, "UNAUTHORIZED", "Not authenticated"
	default:
		return http.StatusUnauthorized, "UNAUTHORIZED", "Invalid or expired token"
	}
}

// WriteError writes the platform's error envelope for err (see Status), correlation id
// included. 401 answers carry WWW-Authenticate: Bearer, 503 answers Retry-After. The reason a
// token was refused is never sent to the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, message := Status(err)
	switch status {
	case http.StatusUnauthorized:
		if errors.Is(err, ErrNoToken) {
			w.Header().Set("WWW-Authenticate", `Bearer`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	}
	apierror.Write(w, r, status, code, message, nil)
}
