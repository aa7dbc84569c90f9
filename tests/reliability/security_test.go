package reliability

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/tmfcatalog/platform/tests/reliability/internal/api"
)

// canaryPassword is sent with failed logins; the log scan looks for it.
var canaryPassword = "Canary-Pw-" + randomHex(6)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func loginForm(ctx context.Context, c *api.Client, user, password string) (api.Response, error) {
	form := url.Values{"username": {user}, "password": {password}}
	return c.Raw(ctx, http.MethodPost, "/api/v1/auth/login", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// TestLoginThrottling fails logins of a throwaway username until identity throttles it: the
// configured number of failures answer 401, the next one 429 with Retry-After.
func TestLoginThrottling(t *testing.T) {
	ctx := context.Background()
	const maxFailures = 5 // identity's LOGIN_MAX_FAILURES default; the stack does not change it
	for _, target := range []string{"identity", "gateway"} {
		t.Run("through "+target, func(t *testing.T) {
			c := api.New(run.Stack.URL(target))
			user := "throwaway-" + randomHex(4)
			for i := range maxFailures {
				r, err := loginForm(ctx, c, user, canaryPassword)
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != http.StatusUnauthorized {
					t.Fatalf("failed login %d = %s, want 401", i+1, r)
				}
			}
			r, err := loginForm(ctx, c, user, canaryPassword)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != http.StatusTooManyRequests {
				t.Fatalf("login after %d failures = %s, want 429", maxFailures, r)
			}
			checkRefused(t, r, []int{http.StatusTooManyRequests})
			secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
			if err != nil || secs <= 0 {
				t.Fatalf("Retry-After = %q, want a positive number of seconds", r.Header.Get("Retry-After"))
			}
		})
	}
}

// TestLoginDoesNotRevealUsers compares the answers for an unknown user and for a known user
// with a wrong password.
func TestLoginDoesNotRevealUsers(t *testing.T) {
	ctx := context.Background()
	c := direct("identity", "")
	unknown, err := loginForm(ctx, c, "nobody-"+randomHex(4), canaryPassword)
	if err != nil {
		t.Fatal(err)
	}
	known, err := loginForm(ctx, c, "user", canaryPassword)
	if err != nil {
		t.Fatal(err)
	}
	var a, b api.ErrorEnvelope
	if err := unknown.Decode(&a); err != nil {
		t.Fatal(err)
	}
	if err := known.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if unknown.Status != known.Status || a.Error == nil || b.Error == nil || a.Error.Code != b.Error.Code || a.Error.Message != b.Error.Message {
		t.Fatalf("unknown user answers %s, known user with a wrong password %s", unknown, known)
	}
}
