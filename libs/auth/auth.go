// Package auth verifies the RS256 access tokens issued by the identity service and carries the
// authenticated principal through a request.
//
// A service builds one Verifier (keys from the identity service's JWKS, or from a PEM for offline
// set-ups), wraps its protected routes with Middleware, and guards operations with RequireRole.
// Outbound service-to-service calls authenticate with a client-credentials token obtained and
// cached by a ServiceTokenSource.
package auth

import (
	"context"
	"errors"
	"slices"
)

// Roles carried in the "role" claim.
const (
	// RoleAdmin may read and write everything, publish, retire, lock and unlock.
	RoleAdmin = "ADMIN"
	// RoleUser reads everything and edits draft offerings.
	RoleUser = "USER"
	// RoleService is the role of client-credentials tokens used between services.
	RoleService = "SERVICE"
)

// Roles lists every role a token may carry.
var Roles = []string{RoleAdmin, RoleUser, RoleService}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// Errors returned by Verify and the middleware; match them with errors.Is.
var (
	// ErrNoToken means the request carried no bearer token.
	ErrNoToken = errors.New("missing bearer token")
	// ErrInvalidToken means the token is malformed, badly signed, expired or otherwise unacceptable.
	ErrInvalidToken = errors.New("invalid token")
	// ErrUnknownKey means the token names a key id that the key set does not publish. It is
	// always returned together with ErrInvalidToken.
	ErrUnknownKey = errors.New("unknown signing key")
	// ErrKeySetUnavailable means the verification keys could not be fetched (identity down):
	// the token was not judged, the caller should answer 503.
	ErrKeySetUnavailable = errors.New("verification keys unavailable")
	// ErrForbidden means the principal's role is not allowed to perform the operation.
	ErrForbidden = errors.New("insufficient role")
)

// Principal is the authenticated caller of a request.
type Principal struct {
	// Subject is the "sub" claim: a user id, or "service:<client id>" for service tokens.
	Subject string
	// Username is the login name, or the client id for service tokens.
	Username string
	// Role is one of RoleAdmin, RoleUser, RoleService.
	Role string
}

// HasRole reports whether the principal's role is one of roles.
func (p Principal) HasRole(roles ...string) bool { return slices.Contains(roles, p.Role) }

type principalKey struct{}

// WithPrincipal returns a copy of ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal stored in ctx by Middleware.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
