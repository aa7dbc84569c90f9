package auth_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
)

func TestAWithdrawnKeyStopsVerifyingOnceTheCacheIsStale(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	cfg := iss.VerifierConfig()
	cfg.JWKSMaxAge = time.Millisecond
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	oldTok := iss.Token(auth.RoleAdmin)
	if _, err := v.Verify(t.Context(), oldTok); err != nil {
		t.Fatal(err)
	}
	_, oldKid := iss.PrivateKey()
	iss.Rotate()
	iss.Unpublish(oldKid)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := v.Verify(t.Context(), oldTok)
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("withdrawn key still accepted")
		}
	}
	if _, err := v.Verify(t.Context(), iss.Token(auth.RoleAdmin)); err != nil {
		t.Fatalf("current key: %v", err)
	}
}

func TestKnownKeysKeepVerifyingWhileIdentityIsDown(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	target, err := url.Parse(iss.URL())
	if err != nil {
		t.Fatal(err)
	}
	var down atomic.Bool
	var fetches atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	cfg := iss.VerifierConfig()
	cfg.JWKSURL = front.URL + "/.well-known/jwks.json"
	cfg.HTTPClient = front.Client()
	cfg.JWKSMaxAge = time.Millisecond
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok := iss.Token(auth.RoleUser)
	if _, err := v.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	deadline := time.Now().Add(5 * time.Second)
	for fetches.Load() < 3 {
		if _, err := v.Verify(t.Context(), tok); err != nil {
			t.Fatalf("verification failed while identity is down: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the stale cache was never refreshed")
		}
	}
}
