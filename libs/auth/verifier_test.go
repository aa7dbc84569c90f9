package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

// protected returns a handler behind Middleware that echoes the principal.
func protected(v *auth.Verifier) http.Handler {
	return auth.Middleware(v, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.PrincipalFrom(r.Context())
		if !ok {
			http.Error(w, "no principal", http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(p)
	}))
}

func call(t *testing.T, h http.Handler, authorization string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/thing", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	req = req.WithContext(correlation.With(req.Context(), "corr-1"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type envelope struct {
	Error struct {
		Code          string `json:"code"`
		Message       string `json:"message"`
		CorrelationID string `json:"correlation_id"`
	} `json:"error"`
}

func decodeEnvelope(t *testing.T, rec *httptest.ResponseRecorder) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("body %q is not an envelope: %v", rec.Body.String(), err)
	}
	return e
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestMiddlewareRejectsBadTokensWith401(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	h := protected(iss.Verifier())
	valid := iss.Token(auth.RoleAdmin)
	key, kid := iss.PrivateKey()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := auth.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(mut func(*auth.Claims)) auth.Claims {
		c := iss.Claims(auth.Principal{Subject: "u1", Username: "alice", Role: auth.RoleAdmin})
		mut(&c)
		return c
	}
	parts := strings.Split(valid, ".")
	hs256, err := func() (string, error) {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(func(*auth.Claims) {}))
		tok.Header["kid"] = kid
		return tok.SignedString(pubPEM)
	}()
	if err != nil {
		t.Fatal(err)
	}
	otherPair, err := auth.Sign(other, kid, claims(func(*auth.Claims) {}))
	if err != nil {
		t.Fatal(err)
	}
	unknownKid, err := auth.Sign(key, "no-such-kid", claims(func(*auth.Claims) {}))
	if err != nil {
		t.Fatal(err)
	}
	noKid := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims(func(*auth.Claims) {}))
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	hour := time.Hour
	tests := []struct {
		name          string
		authorization string
		wantNoToken   bool
	}{
		{"a request without a token is refused", "", true},
		{"a non-bearer scheme is refused", "Basic YWRtaW46YWRtaW4=", false},
		{"an empty bearer token is refused", "Bearer ", false},
		{"a malformed token is refused", "Bearer not.a.jwt", false},
		{"a token with two segments is refused", "Bearer " + parts[0] + "." + parts[1], false},
		{"an unsigned alg none token is refused", "Bearer " + b64(`{"alg":"none","typ":"JWT","kid":"`+kid+`"}`) + "." + parts[1] + ".", false},
		{"an HS256 token keyed with the public key bytes is refused", "Bearer " + hs256, false},
		{"an expired token is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) {
			c.IssuedAt = jwt.NewNumericDate(time.Now().Add(-2 * hour))
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-hour))
		})), false},
		{"a token without exp is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) { c.ExpiresAt = nil })), false},
		{"a token not valid before a future time is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) {
			c.NotBefore = jwt.NewNumericDate(time.Now().Add(10 * time.Minute))
		})), false},
		{"a token issued in the future is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) {
			c.IssuedAt = jwt.NewNumericDate(time.Now().Add(10 * time.Minute))
		})), false},
		{"a token from another issuer is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) { c.Issuer = "evil" })), false},
		{"a token for another audience is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) { c.Audience = jwt.ClaimStrings{"other"} })), false},
		{"a token with an unknown kid is refused", "Bearer " + unknownKid, false},
		{"a token without kid is refused", "Bearer " + noKid, false},
		{"a token whose payload was changed after signing is refused", "Bearer " + parts[0] + "." + b64(`{"sub":"u1","username":"alice","role":"ADMIN","iss":"`+authtest.IssuerName+`","aud":["`+authtest.Audience+`"],"exp":9999999999}`) + "." + parts[2], false},
		{"a token signed by a different key pair is refused", "Bearer " + otherPair, false},
		{"a token with an unknown role is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) { c.Role = "ROOT" })), false},
		{"a token without subject is refused", "Bearer " + iss.Sign(claims(func(c *auth.Claims) { c.Subject = "" })), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := call(t, h, tc.authorization)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401; body %s", rec.Code, rec.Body)
			}
			e := decodeEnvelope(t, rec)
			if e.Error.Code != "UNAUTHORIZED" || e.Error.CorrelationID != "corr-1" || e.Error.Message == "" {
				t.Fatalf("envelope = %+v", e)
			}
			wantHeader := `Bearer error="invalid_token"`
			if tc.wantNoToken {
				wantHeader = "Bearer"
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != wantHeader {
				t.Fatalf("WWW-Authenticate = %q, want %q", got, wantHeader)
			}
		})
	}
}

func TestMiddlewareAcceptsValidTokenAndStoresPrincipal(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	h := protected(iss.Verifier())
	for _, role := range auth.Roles {
		want := auth.Principal{Subject: "sub-" + role, Username: "name-" + role, Role: role}
		rec := call(t, h, "bearer "+iss.TokenFor(want))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status = %d, body %s", role, rec.Code, rec.Body)
		}
		var got auth.Principal
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("principal = %+v, want %+v", got, want)
		}
	}
}

func TestTokensOfOldAndNewKeyVerifyWhileBothArePublished(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := iss.Verifier()
	ctx := context.Background()
	oldTok := iss.Token(auth.RoleUser)
	if _, err := v.Verify(ctx, oldTok); err != nil {
		t.Fatalf("old token before rotation: %v", err)
	}
	_, oldKid := iss.PrivateKey()
	newKid := iss.Rotate()
	newTok := iss.Token(auth.RoleUser)
	for name, tok := range map[string]string{"old": oldTok, "new": newTok} {
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Fatalf("%s token while both keys are published: %v", name, err)
		}
	}
	if oldKid == newKid {
		t.Fatal("rotation kept the kid")
	}
	// Once the old key is withdrawn and the cache refreshed, its tokens fail.
	iss.Unpublish(oldKid)
	fresh := iss.Verifier()
	if _, err := fresh.Verify(ctx, oldTok); !errors.Is(err, auth.ErrUnknownKey) || !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("old token after withdrawal: err = %v, want unknown key", err)
	}
	if _, err := fresh.Verify(ctx, newTok); err != nil {
		t.Fatalf("new token after withdrawal: %v", err)
	}
}

// countingClient counts the requests it sends.
func countingClient(n *atomic.Int32) *http.Client {
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestUnknownKidRefreshesTheKeySetAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	var fetches atomic.Int32
	cfg := iss.VerifierConfig()
	cfg.HTTPClient = countingClient(&fetches)
	cfg.JWKSMinRefresh = time.Hour
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := v.Verify(ctx, iss.Token(auth.RoleAdmin)); err != nil {
		t.Fatal(err)
	}
	key, _ := iss.PrivateKey()
	for i := range 20 {
		forged, err := auth.Sign(key, "forged-"+string(rune('a'+i)), iss.Claims(auth.Principal{Subject: "x", Role: auth.RoleAdmin}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(ctx, forged); !errors.Is(err, auth.ErrUnknownKey) {
			t.Fatalf("forged kid: err = %v", err)
		}
	}
	if got := fetches.Load(); got != 1 {
		t.Fatalf("JWKS fetched %d times, want 1 (refresh is rate-limited)", got)
	}
}

func TestUnknownKidTriggersOneRefreshThatFindsARotatedKey(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	var fetches atomic.Int32
	cfg := iss.VerifierConfig()
	cfg.HTTPClient = countingClient(&fetches)
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := v.Verify(ctx, iss.Token(auth.RoleAdmin)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, iss.Token(auth.RoleAdmin)); err != nil {
		t.Fatal(err)
	}
	if got := fetches.Load(); got != 1 {
		t.Fatalf("fetches before rotation = %d, want 1 (cached)", got)
	}
	iss.Rotate()
	deadline := time.Now().Add(5 * time.Second)
	// JWKSMinRefresh is 1 ms in authtest's config; poll until the interval has passed.
	for {
		_, err := v.Verify(ctx, iss.Token(auth.RoleAdmin))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rotated key never accepted: %v", err)
		}
	}
	if got := fetches.Load(); got != 2 {
		t.Fatalf("fetches after rotation = %d, want 2", got)
	}
}

func TestUnreachableKeySetAnswers503(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	iss := authtest.NewIssuer(t)
	cfg := iss.VerifierConfig()
	cfg.JWKSURL = srv.URL
	cfg.HTTPClient = srv.Client()
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Ready(context.Background()); !errors.Is(err, auth.ErrKeySetUnavailable) {
		t.Fatalf("Ready = %v, want ErrKeySetUnavailable", err)
	}
	rec := call(t, protected(v), "Bearer "+iss.Token(auth.RoleAdmin))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("status = %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if e := decodeEnvelope(t, rec); e.Error.Code != "SERVICE_UNAVAILABLE" {
		t.Fatalf("code = %q", e.Error.Code)
	}
}

func TestVerifierWithStaticPEMAcceptsItsKeysOnly(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	oldTok := iss.Token(auth.RoleUser)
	oldKey, _ := iss.PrivateKey()
	iss.Rotate()
	newKey, _ := iss.PrivateKey()
	var pems []byte
	for _, k := range []*rsa.PrivateKey{oldKey, newKey} {
		p, err := auth.EncodePublicKeyPEM(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		pems = append(pems, p...)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: authtest.IssuerName, Audience: authtest.Audience, PublicKeyPEM: pems})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, tok := range map[string]string{"old": oldTok, "new": iss.Token(auth.RoleUser)} {
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Fatalf("%s key: %v", name, err)
		}
	}
	stranger := authtest.NewIssuer(t)
	if _, err := v.Verify(ctx, stranger.Token(auth.RoleUser)); !errors.Is(err, auth.ErrUnknownKey) {
		t.Fatalf("stranger's token: err = %v, want unknown key", err)
	}
}

func TestVerifierConfigValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  auth.VerifierConfig
	}{
		{"config without keys is rejected", auth.VerifierConfig{Issuer: "i", Audience: "a"}},
		{"config with both key sources is rejected", auth.VerifierConfig{Issuer: "i", Audience: "a", JWKSURL: "http://x", PublicKeyPEM: []byte("x")}},
		{"config without issuer is rejected", auth.VerifierConfig{Audience: "a", JWKSURL: "http://x"}},
		{"config without audience is rejected", auth.VerifierConfig{Issuer: "i", JWKSURL: "http://x"}},
		{"config with a PEM that holds no key is rejected", auth.VerifierConfig{Issuer: "i", Audience: "a", PublicKeyPEM: []byte("garbage")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := auth.NewVerifier(tc.cfg); err == nil {
				t.Fatal("NewVerifier accepted the config")
			}
		})
	}
}
