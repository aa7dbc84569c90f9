package auth

import (
	"crypto/rsa"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Claims is the payload of an access token: sub, username, role, iat, exp, iss, aud, jti
// (nbf is accepted when present).
type Claims struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	jwt.RegisteredClaims
}

// Principal returns the caller described by the claims.
func (c Claims) Principal() Principal {
	return Principal{Subject: c.Subject, Username: c.Username, Role: c.Role}
}

// Sign returns the compact RS256 JWS of claims, with kid in its header. The identity service
// and authtest use it; nothing else should hold a private key.
func Sign(key *rsa.PrivateKey, kid string, claims Claims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}
