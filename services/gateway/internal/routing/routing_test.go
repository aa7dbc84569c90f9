package routing

import (
	"net/http"
	"testing"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		upstream string
		found    bool
	}{
		{"auth login goes to identity", "/api/v1/auth/login", Identity, true},
		{"auth root goes to identity", "/api/v1/auth", Identity, true},
		{"jwks goes to identity", "/.well-known/jwks.json", Identity, true},
		{"user management goes to identity", "/api/v1/users/u1", Identity, true},
		{"characteristics collection goes to characteristic", "/api/v1/characteristics", Characteristic, true},
		{"one characteristic goes to characteristic", "/api/v1/characteristics/42", Characteristic, true},
		{"specifications go to specification", "/api/v1/specifications/validate", Specification, true},
		{"prices go to pricing", "/api/v1/prices/7/lock", Pricing, true},
		{"offerings go to offering", "/api/v1/offerings/1/publish", Offering, true},
		{"store search goes to store", "/api/v1/store/search", Store, true},
		{"ops go to the engine", "/ops/sagas", EngineOps, true},
		{"a longer word sharing the prefix is not routed", "/api/v1/pricesx", "", false},
		{"something under the jwks document is not routed", "/.well-known/jwks.json/x", "", false},
		{"unknown api is not routed", "/api/v1/unknown", "", false},
		{"root is not routed", "/", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt, ok := Match(tt.path)
			if ok != tt.found || rt.Upstream != tt.upstream {
				t.Fatalf("Match(%q) = %q, %v; want %q, %v", tt.path, rt.Upstream, ok, tt.upstream, tt.found)
			}
		})
	}
}

func TestAccessFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		path   string
		want   Access
	}{
		{"login is public", http.MethodPost, "/api/v1/auth/login", Public},
		{"login with a trailing slash is public", http.MethodPost, "/api/v1/auth/login/", Public},
		{"client-credentials token is public", http.MethodPost, "/api/v1/auth/token", Public},
		{"public key is public", http.MethodGet, "/api/v1/auth/public-key", Public},
		{"jwks is public", http.MethodGet, "/.well-known/jwks.json", Public},
		{"other identity routes are protected", http.MethodGet, "/api/v1/auth/me", Protected},
		{"user management is protected", http.MethodGet, "/api/v1/users", Protected},
		{"a path that only starts like login is protected", http.MethodPost, "/api/v1/auth/login-as-admin", Protected},
		{"store reads are public", http.MethodGet, "/api/v1/store/offerings", Public},
		{"store search is public", http.MethodGet, "/api/v1/store/search", Public},
		{"store deletes need a token", http.MethodDelete, "/api/v1/store/offerings/1", Protected},
		{"store resync needs a token", http.MethodPost, "/api/v1/store/sync/1", Protected},
		{"characteristic reads need a token", http.MethodGet, "/api/v1/characteristics", Protected},
		{"offering writes need a token", http.MethodPost, "/api/v1/offerings", Protected},
		{"ops need an admin", http.MethodGet, "/ops/sagas", AdminOnly},
		{"unknown paths are protected", http.MethodGet, "/nope", Protected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := AccessFor(tt.method, tt.path); got != tt.want {
				t.Fatalf("AccessFor(%s %s) = %s, want %s", tt.method, tt.path, got, tt.want)
			}
		})
	}
}

func TestCleanPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		want bool
	}{
		{"a plain path is clean", "/api/v1/prices/1", true},
		{"a trailing slash is clean", "/api/v1/prices/", true},
		{"the root is clean", "/", true},
		{"dots inside a segment are clean", "/.well-known/jwks.json", true},
		{"a dot-dot segment is refused", "/api/v1/store/../characteristics", false},
		{"a trailing dot-dot is refused", "/api/v1/store/..", false},
		{"a dot segment is refused", "/api/v1/./prices", false},
		{"an empty segment is refused", "/api//v1/prices", false},
		{"a backslash is refused", "/api/v1\\prices", false},
		{"a control character is refused", "/api/v1/prices\x00", false},
		{"a relative path is refused", "api/v1/prices", false},
		{"an empty path is refused", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := CleanPath(tt.path); got != tt.want {
				t.Fatalf("CleanPath(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}
