package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tmfcatalog/platform/libs/auth"
)

// FuzzVerify feeds arbitrary tokens to a verifier: it must never panic, and must accept only
// a token that carries a subject and a known role.
func FuzzVerify(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	pemKey, err := auth.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: "iss", Audience: "aud", PublicKeyPEM: pemKey})
	if err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	valid, err := auth.Sign(key, auth.KeyID(&key.PublicKey), auth.Claims{
		Username: "u", Role: auth.RoleUser,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: "s", Issuer: "iss", Audience: jwt.ClaimStrings{"aud"},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Verify(context.Background(), token)
		if err != nil {
			if !errors.Is(err, auth.ErrInvalidToken) && !errors.Is(err, auth.ErrNoToken) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if p.Subject == "" || !auth.ValidRole(p.Role) {
			t.Fatalf("accepted principal %+v", p)
		}
	})
}
