package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tmfcatalog/platform/libs/auth"
)

func TestLoginIssuesATokenThatVerifiersAccept(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("username", "admin")
	_ = mw.WriteField("password", "admin")
	_ = mw.Close()
	tests := []struct {
		name, contentType, body string
	}{
		{"a form-urlencoded login succeeds", formType, form("username", "admin", "password", "admin", "grant_type", "password")},
		{"a form login without content type succeeds", "", form("username", "admin", "password", "admin")},
		{"a JSON login succeeds", "application/json", `{"username":"admin","password":"admin","grant_type":null}`},
		{"a multipart login succeeds", mw.FormDataContentType(), mp.String()},
		{"the username is matched regardless of case", formType, form("username", "ADMIN", "password", "admin")},
	}
	v := s.jwksVerifier(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, http.MethodPost, "/api/v1/auth/login", tc.contentType, tc.body, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d, body %s", r.Status, r.Body)
			}
			checkContract(t, http.MethodPost, "/api/v1/auth/login", r)
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control = %q", r.Header.Get("Cache-Control"))
			}
			var tr auth.TokenResponse
			r.json(t, &tr)
			if tr.TokenType != "bearer" || tr.ExpiresIn != 3600 || tr.AccessToken == "" {
				t.Fatalf("token response = %+v", tr)
			}
			p, err := v.Verify(t.Context(), tr.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if p.Username != "admin" || p.Role != auth.RoleAdmin || p.Subject == "" {
				t.Fatalf("principal = %+v", p)
			}
			var claims auth.Claims
			if _, _, err := jwt.NewParser().ParseUnverified(tr.AccessToken, &claims); err != nil {
				t.Fatal(err)
			}
			if claims.ID == "" || claims.IssuedAt == nil || claims.ExpiresAt.Sub(claims.IssuedAt.Time) != time.Hour ||
				claims.Issuer != auth.DefaultIssuer || len(claims.Audience) != 1 || claims.Audience[0] != auth.DefaultAudience {
				t.Fatalf("claims = %+v", claims)
			}
		})
	}
}

func TestWrongPasswordAndUnknownUserGetIdenticalAnswers(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	hdr := map[string]string{"X-Correlation-ID": "same-id"}
	wrong := s.login(t, "admin", "not-the-password", hdr)
	unknown := s.login(t, "nobody", "not-the-password", hdr)
	e := wrong.envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
	unknown.envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
	if !bytes.Equal(wrong.Body, unknown.Body) {
		t.Fatalf("bodies differ:\n%s\n%s", wrong.Body, unknown.Body)
	}
	if wrong.Header.Get("WWW-Authenticate") != unknown.Header.Get("WWW-Authenticate") {
		t.Fatal("WWW-Authenticate differs")
	}
	if e.Error.Message != "Invalid credentials" {
		t.Fatalf("message = %q", e.Error.Message)
	}
}

func TestLoginRejectsMissingAndInvalidFieldsWith422(t *testing.T) {
	t.Parallel()
	s := newServer(t, testConfig(), nil)
	tests := []struct {
		name, contentType, body, field string
	}{
		{"a missing username is named", formType, form("password", "admin"), "username"},
		{"a missing password is named", formType, form("username", "admin"), "password"},
		{"an empty password is named", formType, form("username", "admin", "password", ""), "password"},
		{"an empty form names the username", formType, "", "username"},
		{"a grant type other than password is named", formType, form("username", "admin", "password", "admin", "grant_type", "client_credentials"), "grant_type"},
		{"a malformed form body is reported", formType, "username=%zz", "body"},
		{"a JSON body without password is named", "application/json", `{"username":"admin"}`, "password"},
		{"an unknown JSON field is named", "application/json", `{"username":"admin","password":"admin","admin":true}`, "admin"},
		{"malformed JSON is reported", "application/json", `{"username":`, "body"},
		{"a JSON field of the wrong type is named", "application/json", `{"username":1,"password":"x"}`, "username"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, http.MethodPost, "/api/v1/auth/login", tc.contentType, tc.body, nil)
			e := r.envelope(t, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			found := false
			for _, d := range e.Error.Details {
				found = found || d.Field == tc.field
			}
			if !found {
				t.Fatalf("details %+v do not name %q", e.Error.Details, tc.field)
			}
		})
	}
	t.Run("an unsupported content type is refused with 415", func(t *testing.T) {
		r := s.do(t, http.MethodPost, "/api/v1/auth/login", "text/plain", "admin:admin", nil)
		r.envelope(t, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE")
	})
	t.Run("an oversized body is refused with 413", func(t *testing.T) {
		r := s.do(t, http.MethodPost, "/api/v1/auth/login", formType, form("username", "admin", "password", string(bytes.Repeat([]byte("x"), 70<<10))), nil)
		r.envelope(t, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	})
}

func TestLoginIsThrottledPerUsername(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.PerUsername.MaxFailures = 3
	s := newServer(t, cfg, nil)
	for i := range 3 {
		r := s.login(t, "user", "wrong", map[string]string{"X-Forwarded-For": "10.0.0." + strconv.Itoa(i+1)})
		r.envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
	}
	// Even the right password is refused now, from any address.
	r := s.login(t, "user", "user", map[string]string{"X-Forwarded-For": "10.0.0.99"})
	r.envelope(t, http.StatusTooManyRequests, "RATE_LIMITED")
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry <= 0 || retry > int((15*time.Minute).Seconds()) {
		t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	// Another account is not affected.
	if r := s.login(t, "admin", "admin", nil); r.Status != http.StatusOK {
		t.Fatalf("other user: status %d", r.Status)
	}
}

func TestLoginIsThrottledPerClientAddress(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.PerClientIP.MaxFailures = 4
	s := newServer(t, cfg, nil)
	attacker := map[string]string{"X-Forwarded-For": "203.0.113.7"}
	for i := range 4 {
		r := s.login(t, "guess"+strconv.Itoa(i), "wrong", attacker)
		r.envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
	}
	s.login(t, "admin", "admin", attacker).envelope(t, http.StatusTooManyRequests, "RATE_LIMITED")
	if r := s.login(t, "admin", "admin", map[string]string{"X-Forwarded-For": "203.0.113.8"}); r.Status != http.StatusOK {
		t.Fatalf("another address: status %d", r.Status)
	}
}

func TestSuccessfulLoginClearsTheUsernameFailures(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.PerUsername.MaxFailures = 2
	s := newServer(t, cfg, nil)
	for range 3 {
		s.login(t, "user", "wrong", nil).envelope(t, http.StatusUnauthorized, "UNAUTHORIZED")
		if r := s.login(t, "user", "user", nil); r.Status != http.StatusOK {
			t.Fatalf("status %d", r.Status)
		}
	}
}
