// Package signing issues RS256 access tokens with the newest key of the ring.
package signing

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

// Issuer signs tokens with claims sub, username, role, iat, exp, iss, aud, jti.
type Issuer struct {
	ring     *keys.Ring
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
}

// New returns an Issuer; now nil means time.Now.
func New(ring *keys.Ring, issuer, audience string, ttl time.Duration, now func() time.Time) *Issuer {
	if now == nil {
		now = time.Now
	}
	return &Issuer{ring: ring, issuer: issuer, audience: audience, ttl: ttl, now: now}
}

// Issue signs a token for p, valid for the configured lifetime.
func (i *Issuer) Issue(_ context.Context, p auth.Principal) (app.Token, error) {
	now := i.now().Truncate(time.Second)
	claims := auth.Claims{
		Username: p.Username,
		Role:     p.Role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   p.Subject,
			Issuer:    i.issuer,
			Audience:  jwt.ClaimStrings{i.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(i.ttl)),
			ID:        rand.Text(),
		},
	}
	k := i.ring.Signing()
	s, err := auth.Sign(k.Private, k.ID, claims)
	if err != nil {
		return app.Token{}, fmt.Errorf("issue token: %w", err)
	}
	return app.Token{Value: s, ExpiresIn: i.ttl}, nil
}
