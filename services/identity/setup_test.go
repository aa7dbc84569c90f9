package main

import (
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tmfcatalog/platform/libs/apicontract"
	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

// Test keys are generated once per run; 2048 bits keeps that quick.
var (
	testKeysOnce sync.Once
	testKeys     [2]*rsa.PrivateKey
)

func testKey(t *testing.T, i int) *rsa.PrivateKey {
	t.Helper()
	testKeysOnce.Do(func() {
		for j := range testKeys {
			k, err := keys.Generate(2048)
			if err != nil {
				panic(err)
			}
			testKeys[j] = k
		}
	})
	return testKeys[i]
}

// testConfig is a production-shaped config with a cheap bcrypt cost and the dev clients.
func testConfig() config {
	clients, _ := parseClients(devServiceClients)
	loopback, _ := parsePrefixes([]string{"127.0.0.1/32", "::1/128"})
	return config{
		TrustedProxies: loopback,
		Issuer:         auth.DefaultIssuer, Audience: auth.DefaultAudience, TTL: time.Hour,
		Clients: clients, BcryptCost: bcrypt.MinCost,
		PerUsername: domain.ThrottlePolicy{MaxFailures: 5, Window: 15 * time.Minute},
		PerClientIP: domain.ThrottlePolicy{MaxFailures: 20, Window: 15 * time.Minute},
	}
}

type testServer struct {
	*httptest.Server
	svc *app.Service
}

// newServer starts the real router on a fresh database, seeded with the dev users.
func newServer(t *testing.T, cfg config, ring *keys.Ring) *testServer {
	t.Helper()
	fsys, err := migrations.For("identity")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, fsys)
	if ring == nil {
		if ring, err = keys.NewRing(testKey(t, 0)); err != nil {
			t.Fatal(err)
		}
	}
	h, svc, err := build(cfg, ring, pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SeedDevUsers(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, svc: svc}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
}

type envelope struct {
	Error struct {
		Code          string `json:"code"`
		Message       string `json:"message"`
		Details       []struct{ Field, Message string }
		CorrelationID string `json:"correlation_id"`
	} `json:"error"`
}

func (r response) envelope(t *testing.T, status int, code string) envelope {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	var e envelope
	r.json(t, &e)
	if e.Error.Code != code || e.Error.Message == "" || e.Error.CorrelationID == "" {
		t.Fatalf("envelope = %+v, want code %s", e, code)
	}
	return e
}

func (s *testServer) do(t *testing.T, method, path, contentType, body string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

const formType = "application/x-www-form-urlencoded"

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

func (s *testServer) login(t *testing.T, username, password string, header map[string]string) response {
	t.Helper()
	return s.do(t, http.MethodPost, "/api/v1/auth/login", formType, form("username", username, "password", password), header)
}

// token logs in and returns the access token, failing the test otherwise.
func (s *testServer) token(t *testing.T, username, password string) string {
	t.Helper()
	r := s.login(t, username, password, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: status %d, body %s", username, r.Status, r.Body)
	}
	var tr auth.TokenResponse
	r.json(t, &tr)
	return tr.AccessToken
}

// jwksVerifier verifies through the server's published JWKS, as other services do.
func (s *testServer) jwksVerifier(t *testing.T) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(auth.VerifierConfig{
		Issuer: auth.DefaultIssuer, Audience: auth.DefaultAudience,
		JWKSURL: s.URL + "/.well-known/jwks.json", HTTPClient: s.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var (
	contractOnce sync.Once
	contract     *apicontract.Contract
)

// checkContract validates a success body against api/reference/identity-openapi.json.
func checkContract(t *testing.T, method, path string, r response) {
	t.Helper()
	contractOnce.Do(func() { contract = apicontract.Load(t, "identity") })
	contract.Check(t, method, path, r.Status, r.Body)
}
