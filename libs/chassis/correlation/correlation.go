// Package correlation carries the request correlation id through a context.
//
// The id travels on HTTP as the X-Correlation-ID header, in AMQP headers and in saga variables,
// so one user action can be followed across every service's logs.
package correlation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Header is the HTTP header that carries the correlation id in and out.
const Header = "X-Correlation-ID"

type key struct{}

// With returns a context that carries id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// FromContext returns the correlation id in ctx, or "" when there is none.
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// NewID returns a fresh random id (32 hex characters).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Valid reports whether an id received from outside is safe to echo and log:
// 1 to 128 characters of letters, digits, '-', '_' or '.'.
func Valid(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}
