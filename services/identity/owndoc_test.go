package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

var (
	ownDocOnce sync.Once
	ownDoc     *openapi3.T
	ownDocErr  error
)

// checkOwnDoc validates a JSON body against the service's own openapi.json (served at
// /openapi.json), so the document cannot drift from the handlers.
func checkOwnDoc(t *testing.T, method, path string, r response) {
	t.Helper()
	ownDocOnce.Do(func() {
		data, err := os.ReadFile("internal/adapters/httpapi/openapi.json")
		if err != nil {
			ownDocErr = err
			return
		}
		loader := openapi3.NewLoader()
		ownDoc, ownDocErr = loader.LoadFromData(data)
		if ownDocErr == nil {
			ownDocErr = ownDoc.Validate(loader.Context)
		}
	})
	if ownDocErr != nil {
		t.Fatalf("own openapi.json: %v", ownDocErr)
	}
	item := ownDoc.Paths.Find(path)
	if item == nil || item.GetOperation(strings.ToUpper(method)) == nil {
		t.Fatalf("own openapi.json lacks %s %s", method, path)
	}
	resp := item.GetOperation(strings.ToUpper(method)).Responses.Value(strconv.Itoa(r.Status))
	if resp == nil || resp.Value == nil {
		t.Fatalf("own openapi.json: %s %s does not document status %d", method, path, r.Status)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		t.Fatalf("own openapi.json: %s %s %d has no JSON schema", method, path, r.Status)
	}
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if err := media.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors(), openapi3.EnableFormatValidation()); err != nil {
		t.Fatalf("%s %s %d does not match own openapi.json: %v", method, path, r.Status, err)
	}
}

func TestEveryRouteAnswersAsItsOwnDocumentSays(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	admin := bearer(s.token(t, "admin", "admin"))
	user := bearer(s.token(t, "user", "user"))
	tests := []struct {
		method, path, contentType, body string
		header                          map[string]string
		status                          int
	}{
		{"POST", "/api/v1/auth/login", formType, form("username", "admin", "password", "admin"), nil, 200},
		{"POST", "/api/v1/auth/login", formType, form("username", "admin", "password", "nope"), nil, 401},
		{"POST", "/api/v1/auth/login", formType, form("username", "admin"), nil, 422},
		{"POST", "/api/v1/auth/login", "text/plain", "x", nil, 415},
		{"POST", "/api/v1/auth/token", formType, form("grant_type", "client_credentials", "client_id", "gateway", "client_secret", "dev-secret-gateway"), nil, 200},
		{"POST", "/api/v1/auth/token", formType, form("grant_type", "client_credentials", "client_id", "gateway", "client_secret", "x"), nil, 401},
		{"POST", "/api/v1/auth/token", formType, form("client_id", "gateway"), nil, 422},
		{"GET", "/api/v1/auth/public-key", "", "", nil, 200},
		{"GET", "/.well-known/jwks.json", "", "", nil, 200},
		{"GET", "/api/v1/auth/me", "", "", user, 200},
		{"GET", "/api/v1/auth/me", "", "", nil, 401},
		{"GET", "/api/v1/users", "", "", admin, 200},
		{"GET", "/api/v1/users", "", "", user, 403},
		{"POST", "/api/v1/users", "application/json", `{"username":"dora","password":"dora-pw","role":"ADMIN"}`, admin, 201},
		{"POST", "/api/v1/users", "application/json", `{"username":"dora","password":"dora-pw","role":"ADMIN"}`, admin, 409},
		{"POST", "/api/v1/users", "application/json", `{}`, admin, 422},
		{"GET", "/health", "", "", nil, 200},
		{"GET", "/health/ready", "", "", nil, 200},
	}
	for _, tc := range tests {
		r := s.do(t, tc.method, tc.path, tc.contentType, tc.body, tc.header)
		if r.Status != tc.status {
			t.Fatalf("%s %s: status %d, want %d; body %s", tc.method, tc.path, r.Status, tc.status, r.Body)
		}
		checkOwnDoc(t, tc.method, tc.path, r)
	}
}
