// Package authtest lets tests make access tokens for any role without the identity service: an
// Issuer owns a fresh RSA key, signs tokens like identity does and serves them a JWKS (and a
// client-credentials token endpoint) over httptest.
package authtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tmfcatalog/platform/libs/auth"
)

// Claim values used by every Issuer; they match the platform defaults.
const (
	IssuerName = "tmf-catalog-identity"
	Audience   = "tmf-catalog"
	TokenTTL   = time.Hour
	jwksPath   = "/.well-known/jwks.json"
	keyBits    = 2048
)

type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

// Issuer signs tokens and publishes its keys at JWKSURL. It is safe for concurrent use.
type Issuer struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	keys    []signingKey // all published; the last one signs
	clients map[string]string
}

// NewIssuer starts an issuer with one fresh key; the server stops in t.Cleanup.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	i := &Issuer{t: t, clients: map[string]string{}}
	i.Rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+jwksPath, i.serveJWKS)
	mux.HandleFunc("POST "+auth.TokenPath, i.serveToken)
	i.srv = httptest.NewServer(mux)
	t.Cleanup(i.srv.Close)
	return i
}

// Rotate publishes a new key next to the existing ones; tokens are signed with it from now on.
// It returns the new key's kid.
func (i *Issuer) Rotate() string {
	i.t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		i.t.Fatalf("authtest: generate key: %v", err)
	}
	kid := auth.KeyID(&k.PublicKey)
	i.mu.Lock()
	i.keys = append(i.keys, signingKey{kid: kid, key: k})
	i.mu.Unlock()
	return kid
}

// Unpublish removes the key kid from the JWKS (it no longer verifies once verifiers refresh).
func (i *Issuer) Unpublish(kid string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	kept := i.keys[:0]
	for _, k := range i.keys {
		if k.kid != kid {
			kept = append(kept, k)
		}
	}
	i.keys = kept
}

// Token returns a valid token for role; subject and username are derived from the role
// ("test-admin" for ADMIN).
func (i *Issuer) Token(role string) string {
	name := "test-" + strings.ToLower(role)
	return i.TokenFor(auth.Principal{Subject: name, Username: name, Role: role})
}

// TokenFor returns a valid token for p.
func (i *Issuer) TokenFor(p auth.Principal) string { return i.Sign(i.Claims(p)) }

// Claims returns the claims of a valid token for p (issued now, expiring in TokenTTL), for a
// test to alter before Sign.
func (i *Issuer) Claims(p auth.Principal) auth.Claims {
	now := time.Now()
	return auth.Claims{
		Username: p.Username,
		Role:     p.Role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   p.Subject,
			Issuer:    IssuerName,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(TokenTTL)),
			ID:        rand.Text(),
		},
	}
}

// Sign signs claims with the newest key, kid in the header.
func (i *Issuer) Sign(claims auth.Claims) string {
	i.t.Helper()
	k := i.current()
	s, err := auth.Sign(k.key, k.kid, claims)
	if err != nil {
		i.t.Fatalf("authtest: %v", err)
	}
	return s
}

// PrivateKey returns the newest signing key and its kid.
func (i *Issuer) PrivateKey() (*rsa.PrivateKey, string) {
	k := i.current()
	return k.key, k.kid
}

func (i *Issuer) current() signingKey {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.keys[len(i.keys)-1]
}

// URL is the base URL of the issuer's server (use it as IDENTITY_URL).
func (i *Issuer) URL() string { return i.srv.URL }

// JWKSURL is the URL of the published key set.
func (i *Issuer) JWKSURL() string { return i.srv.URL + jwksPath }

// VerifierConfig returns a configuration that accepts this issuer's tokens through its JWKS.
// JWKSMinRefresh is tiny so tests may rotate keys without waiting.
func (i *Issuer) VerifierConfig() auth.VerifierConfig {
	return auth.VerifierConfig{
		Issuer: IssuerName, Audience: Audience, JWKSURL: i.JWKSURL(),
		HTTPClient: i.srv.Client(), JWKSMinRefresh: time.Millisecond,
	}
}

// Verifier returns a verifier built from VerifierConfig.
func (i *Issuer) Verifier() *auth.Verifier {
	i.t.Helper()
	v, err := auth.NewVerifier(i.VerifierConfig())
	if err != nil {
		i.t.Fatalf("authtest: %v", err)
	}
	return v
}

// AddClient lets clientID obtain SERVICE tokens from URL()+auth.TokenPath with secret.
func (i *Issuer) AddClient(clientID, secret string) {
	i.mu.Lock()
	i.clients[clientID] = secret
	i.mu.Unlock()
}

func (i *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	i.mu.Lock()
	set := auth.JWKSet{Keys: make([]auth.JWK, 0, len(i.keys))}
	for _, k := range i.keys {
		set.Keys = append(set.Keys, auth.NewJWK(k.kid, &k.key.PublicKey))
	}
	i.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		http.Error(w, `{"error":{"code":"BAD_REQUEST","message":"unsupported grant"}}`, http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	i.mu.Lock()
	want, known := i.clients[id]
	i.mu.Unlock()
	if !known || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"code":"UNAUTHORIZED","message":"Invalid client credentials","details":[]}}`))
		return
	}
	tok := i.TokenFor(auth.Principal{Subject: "service:" + id, Username: id, Role: auth.RoleService})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(auth.TokenResponse{
		AccessToken: tok, TokenType: "bearer", ExpiresIn: int64(TokenTTL / time.Second),
	})
}
