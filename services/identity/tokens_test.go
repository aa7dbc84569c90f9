package main

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/identity/internal/adapters/signing"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

func basic(id, secret string) map[string]string {
	raw := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))}
}

func TestClientCredentialsTokens(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	v := s.jwksVerifier(t)
	const path = "/api/v1/auth/token"
	ok := []struct {
		name, contentType, body string
		header                  map[string]string
	}{
		{"a client authenticating in the form gets a SERVICE token", formType,
			form("grant_type", "client_credentials", "client_id", "pricing", "client_secret", "dev-secret-pricing"), nil},
		{"a client authenticating with HTTP Basic gets a SERVICE token", formType,
			form("grant_type", "client_credentials"), basic("pricing", "dev-secret-pricing")},
		{"a client sending JSON gets a SERVICE token", "application/json",
			`{"grant_type":"client_credentials","client_id":"pricing","client_secret":"dev-secret-pricing"}`, nil},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, http.MethodPost, path, tc.contentType, tc.body, tc.header)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d, body %s", r.Status, r.Body)
			}
			var tr auth.TokenResponse
			r.json(t, &tr)
			p, err := v.Verify(t.Context(), tr.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			want := auth.Principal{Subject: "service:pricing", Username: "pricing", Role: auth.RoleService}
			if p != want || tr.TokenType != "bearer" || tr.ExpiresIn != 3600 {
				t.Fatalf("principal %+v, response %+v", p, tr)
			}
		})
	}
	refused := []struct {
		name, body string
		header     map[string]string
		status     int
		code       string
	}{
		{"a wrong secret is refused", form("grant_type", "client_credentials", "client_id", "pricing", "client_secret", "nope"), nil, 401, "UNAUTHORIZED"},
		{"an unknown client is refused", form("grant_type", "client_credentials"), basic("intruder", "dev-secret-pricing"), 401, "UNAUTHORIZED"},
		{"a missing grant type is a validation error", form("client_id", "pricing", "client_secret", "dev-secret-pricing"), nil, 422, "VALIDATION_ERROR"},
		{"the password grant is a validation error here", form("grant_type", "password", "client_id", "pricing", "client_secret", "x"), nil, 422, "VALIDATION_ERROR"},
		{"a missing client id is a validation error", form("grant_type", "client_credentials", "client_secret", "x"), nil, 422, "VALIDATION_ERROR"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			s.do(t, http.MethodPost, path, formType, tc.body, tc.header).envelope(t, tc.status, tc.code)
		})
	}
}

func TestServiceTokenSourceWorksAgainstIdentity(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	src := auth.NewServiceTokenSource(s.URL, "offering", "dev-secret-offering", s.Client())
	tok, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.jwksVerifier(t).Verify(t.Context(), tok); err != nil || p.Role != auth.RoleService {
		t.Fatalf("principal %+v, err %v", p, err)
	}
}

func TestPublishedKeys(t *testing.T) {
	t.Parallel()
	ring, err := keys.NewRing(testKey(t, 0), testKey(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, testConfig(), ring)
	old, current := ring.Keys()[0].ID, ring.Signing().ID

	t.Run("the JWKS lists every key with its kid", func(t *testing.T) {
		r := s.do(t, http.MethodGet, "/.well-known/jwks.json", "", "", nil)
		var set auth.JWKSet
		r.json(t, &set)
		if r.Status != http.StatusOK || len(set.Keys) != 2 || set.Keys[0].Kid != old || set.Keys[1].Kid != current {
			t.Fatalf("status %d, jwks %+v", r.Status, set)
		}
		for _, k := range set.Keys {
			if k.Alg != "RS256" || k.Use != "sig" || k.Kty != "RSA" {
				t.Fatalf("jwk %+v", k)
			}
		}
	})
	t.Run("the public key endpoint returns the signing key as PEM in JSON", func(t *testing.T) {
		r := s.do(t, http.MethodGet, "/api/v1/auth/public-key", "", "", nil)
		checkContract(t, http.MethodGet, "/api/v1/auth/public-key", r)
		var body struct {
			PublicKey string `json:"public_key"`
			Kid       string `json:"kid"`
			Keys      []struct{ Kid string }
		}
		r.json(t, &body)
		pubs, err := auth.ParsePublicKeysPEM([]byte(body.PublicKey))
		if err != nil || len(pubs) != 1 || auth.KeyID(pubs[0]) != current || body.Kid != current || len(body.Keys) != 2 {
			t.Fatalf("body %+v, err %v", body, err)
		}
	})
	t.Run("the public key endpoint serves raw PEM on request", func(t *testing.T) {
		r := s.do(t, http.MethodGet, "/api/v1/auth/public-key", "", "", map[string]string{"Accept": "application/x-pem-file"})
		pubs, err := auth.ParsePublicKeysPEM(r.Body)
		if r.Status != http.StatusOK || err != nil || len(pubs) != 2 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-pem-file") {
			t.Fatalf("status %d, %d keys, err %v", r.Status, len(pubs), err)
		}
	})
	t.Run("tokens of the old and the new key both verify while both are published", func(t *testing.T) {
		oldRing, err := keys.NewRing(testKey(t, 0))
		if err != nil {
			t.Fatal(err)
		}
		oldTok, err := signing.New(oldRing, auth.DefaultIssuer, auth.DefaultAudience, 3600e9, nil).
			Issue(t.Context(), auth.Principal{Subject: "s", Username: "u", Role: auth.RoleUser})
		if err != nil {
			t.Fatal(err)
		}
		newTok := s.token(t, "user", "user")
		v := s.jwksVerifier(t)
		for name, tok := range map[string]string{"old": oldTok.Value, "new": newTok} {
			if _, err := v.Verify(t.Context(), tok); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		// The service itself accepts both on its protected routes.
		for name, tok := range map[string]string{"old": oldTok.Value, "new": newTok} {
			if r := s.do(t, http.MethodGet, "/api/v1/auth/me", "", "", bearer(tok)); r.Status != http.StatusOK {
				t.Fatalf("%s: /me status %d", name, r.Status)
			}
		}
	})
	t.Run("new tokens are signed with the newest key", func(t *testing.T) {
		v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: auth.DefaultIssuer, Audience: auth.DefaultAudience, PublicKeyPEM: mustPEM(t, ring.Signing().Private)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(t.Context(), s.token(t, "admin", "admin")); err != nil {
			t.Fatal(err)
		}
	})
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
