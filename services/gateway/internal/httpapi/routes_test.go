package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

func TestEveryPrefixReachesItsUpstreamWithPathAndQueryUnchanged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	tests := []struct {
		name     string
		method   string
		path     string
		upstream string
	}{
		{"auth login goes to identity", http.MethodPost, "/api/v1/auth/login", routing.Identity},
		{"jwks goes to identity", http.MethodGet, "/.well-known/jwks.json", routing.Identity},
		{"user management goes to identity", http.MethodGet, "/api/v1/users/u1", routing.Identity},
		{"characteristics go to characteristic", http.MethodGet, "/api/v1/characteristics", routing.Characteristic},
		{"one characteristic goes to characteristic", http.MethodGet, "/api/v1/characteristics/c1", routing.Characteristic},
		{"specifications go to specification", http.MethodGet, "/api/v1/specifications/s1", routing.Specification},
		{"prices go to pricing", http.MethodGet, "/api/v1/prices", routing.Pricing},
		{"offerings go to offering", http.MethodPost, "/api/v1/offerings/o1/publish", routing.Offering},
		{"store goes to store-query", http.MethodGet, "/api/v1/store/search", routing.Store},
		{"ops go to the saga engine without their prefix", http.MethodGet, "/ops/api/instances", routing.EngineOps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(tt.method, tt.path+"?q=x&limit=5", nil, "Authorization", h.bearer(auth.RoleAdmin))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			got := decode[map[string]string](t, resp)
			wantPath := strings.TrimPrefix(tt.path, routing.StripPrefix(tt.upstream))
			if got["upstream"] != tt.upstream || got["path"] != wantPath || got["query"] != "q=x&limit=5" {
				t.Fatalf("reached %v, want %s %s", got, tt.upstream, tt.path)
			}
		})
	}
}

func TestUnknownPathsAreNotForwarded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	expectError(t, h.do(http.MethodGet, "/api/v1/unknown", nil, "Authorization", h.bearer(auth.RoleAdmin)),
		http.StatusNotFound, "NOT_FOUND")
	expectError(t, h.do(http.MethodGet, "/api/v1/pricesx", nil, "Authorization", h.bearer(auth.RoleAdmin)),
		http.StatusNotFound, "NOT_FOUND")
}

func TestDotSegmentsAreRefusedBeforeRouting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	resp := h.do(http.MethodGet, "/api/v1/store/%2e%2e/characteristics", nil)
	expectError(t, resp, http.StatusBadRequest, "BAD_REQUEST")
	if n := len(h.ups[routing.Store].requests()) + len(h.ups[routing.Characteristic].requests()); n != 0 {
		t.Fatalf("%d requests were forwarded", n)
	}
}

func TestPublicAndProtectedRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	expired := h.iss.Claims(auth.Principal{Subject: "u9", Username: "old", Role: auth.RoleUser})
	expired.ExpiresAt.Time = expired.IssuedAt.Add(-time.Hour)
	expiredToken := "Bearer " + h.iss.Sign(expired)
	tests := []struct {
		name   string
		method string
		path   string
		authz  string
		status int
	}{
		{"login needs no token", http.MethodPost, "/api/v1/auth/login", "", http.StatusOK},
		{"the client-credentials token endpoint needs no token", http.MethodPost, "/api/v1/auth/token", "", http.StatusOK},
		{"the public key needs no token", http.MethodGet, "/api/v1/auth/public-key", "", http.StatusOK},
		{"jwks needs no token", http.MethodGet, "/.well-known/jwks.json", "", http.StatusOK},
		{"store reads need no token", http.MethodGet, "/api/v1/store/offerings", "", http.StatusOK},
		{"a public route ignores a bad token", http.MethodGet, "/api/v1/store/search", "Bearer garbage", http.StatusOK},
		{"characteristics without a token are refused at the edge", http.MethodGet, "/api/v1/characteristics", "", http.StatusUnauthorized},
		{"prices with a malformed token are refused", http.MethodGet, "/api/v1/prices", "Bearer not.a.jwt", http.StatusUnauthorized},
		{"offerings with an expired token are refused", http.MethodGet, "/api/v1/offerings", expiredToken, http.StatusUnauthorized},
		{"basic auth is not accepted", http.MethodGet, "/api/v1/specifications", "Basic dTpw", http.StatusUnauthorized},
		{"store writes need a token", http.MethodPost, "/api/v1/store/sync/o1", "", http.StatusUnauthorized},
		{"other identity routes need a token", http.MethodGet, "/api/v1/auth/users", "", http.StatusUnauthorized},
		{"a user token reaches characteristics", http.MethodGet, "/api/v1/characteristics", h.bearer(auth.RoleUser), http.StatusOK},
		{"a service token reaches prices", http.MethodGet, "/api/v1/prices", h.bearer(auth.RoleService), http.StatusOK},
		{"ops without a token are refused", http.MethodGet, "/ops/sagas", "", http.StatusUnauthorized},
		{"ops with a user token are forbidden", http.MethodGet, "/ops/sagas", h.bearer(auth.RoleUser), http.StatusForbidden},
		{"ops with an admin token pass", http.MethodGet, "/ops/sagas", h.bearer(auth.RoleAdmin), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			route, _ := routing.Match(tt.path)
			up := h.ups[route.Upstream]
			before := len(up.requests())
			resp := h.do(tt.method, tt.path, nil, "Authorization", tt.authz)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			forwarded := len(up.requests()) > before
			if forwarded != (tt.status == http.StatusOK) {
				t.Fatalf("forwarded = %v with status %d", forwarded, tt.status)
			}
			switch tt.status {
			case http.StatusUnauthorized:
				expectError(t, resp, tt.status, "UNAUTHORIZED")
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Fatal("no WWW-Authenticate challenge")
				}
			case http.StatusForbidden:
				expectError(t, resp, tt.status, "FORBIDDEN")
			case http.StatusOK:
				if tt.authz != "" && up.last().Header.Get("Authorization") != tt.authz {
					t.Fatal("Authorization was not forwarded")
				}
			}
		})
	}
}

func TestUserIDIsSetFromTheTokenAndNeverFromTheClient(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	tok := h.iss.TokenFor(auth.Principal{Subject: "user-42", Username: "alice", Role: auth.RoleUser})
	h.do(http.MethodGet, "/api/v1/prices", nil, "Authorization", "Bearer "+tok, "X-User-ID", "admin-spoof")
	if got := h.ups[routing.Pricing].last().Header.Values(UserIDHeader); len(got) != 1 || got[0] != "user-42" {
		t.Fatalf("X-User-ID upstream = %q", got)
	}
	h.do(http.MethodGet, "/api/v1/store/search", nil, "X-User-ID", "admin-spoof")
	if got := h.ups[routing.Store].last().Header.Get(UserIDHeader); got != "" {
		t.Fatalf("a client-sent X-User-ID reached the store: %q", got)
	}
}

func TestProtectedRoutesAnswer503WhenTheKeysCannotBeLoaded(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.NotFoundHandler())
	jwks := down.URL + "/.well-known/jwks.json"
	down.Close()
	h := newHarness(t, func(c *Config) {
		v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: auth.DefaultIssuer, Audience: auth.DefaultAudience, JWKSURL: jwks})
		if err != nil {
			t.Fatal(err)
		}
		c.Verifier = v
	})
	resp := h.do(http.MethodGet, "/api/v1/prices", nil, "Authorization", h.bearer(auth.RoleUser))
	expectError(t, resp, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	if resp.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	if resp := h.do(http.MethodGet, "/api/v1/store/search", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("public route: status %d", resp.StatusCode)
	}
}
