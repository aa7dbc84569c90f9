package main

import (
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
)

func mustPEM(t *testing.T, k *rsa.PrivateKey) []byte {
	t.Helper()
	p, err := auth.EncodePublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMeDescribesTheCaller(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	r := s.do(t, http.MethodGet, "/api/v1/auth/me", "", "", bearer(s.token(t, "user", "user")))
	var p struct{ Sub, Username, Role string }
	r.json(t, &p)
	if r.Status != http.StatusOK || p.Username != "user" || p.Role != "USER" || p.Sub == "" {
		t.Fatalf("status %d, body %s", r.Status, r.Body)
	}
	s.do(t, http.MethodGet, "/api/v1/auth/me", "", "", nil).envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
	s.do(t, http.MethodGet, "/api/v1/auth/me", "", "", bearer("garbage")).envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
}

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	admin := bearer(s.token(t, "admin", "admin"))
	const path = "/api/v1/users"

	t.Run("a USER on the ADMIN route is forbidden", func(t *testing.T) {
		s.do(t, http.MethodGet, path, "", "", bearer(s.token(t, "user", "user"))).envelope(t, http.StatusForbidden, "FORBIDDEN")
		s.do(t, http.MethodPost, path, "application/json", `{"username":"x","password":"xxxx","role":"USER"}`,
			bearer(s.token(t, "user", "user"))).envelope(t, http.StatusForbidden, "FORBIDDEN")
	})
	t.Run("an anonymous caller is unauthorized", func(t *testing.T) {
		s.do(t, http.MethodGet, path, "", "", nil).envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
	})
	t.Run("an ADMIN creates a user who can then log in", func(t *testing.T) {
		r := s.do(t, http.MethodPost, path, "application/json", `{"username":"carol","password":"carol-pw","role":"USER"}`, admin)
		var u struct{ ID, Username, Role, CreatedAt string }
		r.json(t, &u)
		if r.Status != http.StatusCreated || u.Username != "carol" || u.Role != "USER" || u.ID == "" {
			t.Fatalf("status %d, body %s", r.Status, r.Body)
		}
		if p, err := s.jwksVerifier(t).Verify(t.Context(), s.token(t, "carol", "carol-pw")); err != nil || p.Subject != u.ID {
			t.Fatalf("principal %+v, err %v", p, err)
		}
	})
	t.Run("a username taken in another case is a conflict", func(t *testing.T) {
		s.do(t, http.MethodPost, path, "application/json", `{"username":"Admin","password":"whatever","role":"USER"}`, admin).
			envelope(t, http.StatusConflict, "CONFLICT")
	})
	t.Run("invalid fields are named", func(t *testing.T) {
		e := s.do(t, http.MethodPost, path, "application/json", `{"username":"has space","password":"x","role":"ROOT"}`, admin).
			envelope(t, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		var fields []string
		for _, d := range e.Error.Details {
			fields = append(fields, d.Field)
		}
		if strings.Join(fields, ",") != "username,password,role" {
			t.Fatalf("fields = %v", fields)
		}
	})
	t.Run("an ADMIN lists users without their hashes", func(t *testing.T) {
		r := s.do(t, http.MethodGet, path, "", "", admin)
		if r.Status != http.StatusOK || strings.Contains(string(r.Body), "password") || strings.Contains(string(r.Body), "$2a$") {
			t.Fatalf("status %d, body %s", r.Status, r.Body)
		}
		var users []struct{ Username, Role string }
		r.json(t, &users)
		var names []string
		for _, u := range users {
			names = append(names, u.Username+":"+u.Role)
		}
		if strings.Join(names, ",") != "admin:ADMIN,carol:USER,user:USER" {
			t.Fatalf("users = %v", names)
		}
	})
}

func TestHealthAndDocs(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	for _, path := range []string{"/health", "/health/ready"} {
		r := s.do(t, http.MethodGet, path, "", "", nil)
		var h struct {
			Status       string
			Dependencies map[string]struct{ Status string }
		}
		r.json(t, &h)
		if r.Status != http.StatusOK || h.Status != "ok" || h.Dependencies["postgres"].Status != "up" {
			t.Fatalf("%s: status %d, body %s", path, r.Status, r.Body)
		}
	}
	checkContract(t, http.MethodGet, "/health", s.do(t, http.MethodGet, "/health", "", "", nil))
	r := s.do(t, http.MethodGet, "/openapi.json", "", "", nil)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	for _, p := range []string{"/api/v1/auth/login", "/api/v1/auth/token", "/api/v1/auth/public-key", "/.well-known/jwks.json", "/api/v1/users"} {
		if doc.Paths[p] == nil {
			t.Fatalf("openapi.json lacks %s", p)
		}
	}
	html := s.do(t, http.MethodGet, "/docs", "", "", nil)
	if html.Status != http.StatusOK || !strings.Contains(string(html.Body), "/api/v1/auth/login") ||
		!strings.HasPrefix(html.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("docs: status %d", html.Status)
	}
}
