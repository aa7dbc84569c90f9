package auth_test

import (
	"net/http"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
)

func TestRequireRole(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	adminOnly := auth.Middleware(iss.Verifier(), nil)(auth.RequireRole(auth.RoleAdmin)(ok))
	adminOrUser := auth.Middleware(iss.Verifier(), nil)(auth.RequireRole(auth.RoleAdmin, auth.RoleUser)(ok))
	tests := []struct {
		name     string
		h        http.Handler
		role     string
		want     int
		wantCode string
	}{
		{"a USER on an ADMIN route is forbidden", adminOnly, auth.RoleUser, http.StatusForbidden, "FORBIDDEN"},
		{"a SERVICE on an ADMIN route is forbidden", adminOnly, auth.RoleService, http.StatusForbidden, "FORBIDDEN"},
		{"an ADMIN on an ADMIN route passes", adminOnly, auth.RoleAdmin, http.StatusNoContent, ""},
		{"a USER on an ADMIN or USER route passes", adminOrUser, auth.RoleUser, http.StatusNoContent, ""},
		{"a SERVICE on an ADMIN or USER route is forbidden", adminOrUser, auth.RoleService, http.StatusForbidden, "FORBIDDEN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(t, tc.h, "Bearer "+iss.Token(tc.role))
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.want, rec.Body)
			}
			if tc.wantCode != "" {
				if e := decodeEnvelope(t, rec); e.Error.Code != tc.wantCode || e.Error.CorrelationID != "corr-1" {
					t.Fatalf("envelope = %+v", e)
				}
			}
		})
	}
}

func TestRequireRoleWithoutMiddlewareAnswers401(t *testing.T) {
	t.Parallel()
	h := auth.RequireRole(auth.RoleAdmin)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("handler reached without principal")
	}))
	rec := call(t, h, "")
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d", rec.Code)
	}
}

func TestMiddlewareHandsErrorsToOnError(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	var got error
	h := auth.Middleware(iss.Verifier(), func(w http.ResponseWriter, _ *http.Request, err error) {
		got = err
		w.WriteHeader(http.StatusTeapot)
	})(http.NotFoundHandler())
	rec := call(t, h, "")
	if rec.Code != http.StatusTeapot || got != auth.ErrNoToken {
		t.Fatalf("status %d, err %v", rec.Code, got)
	}
}
