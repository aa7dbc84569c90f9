package edgeauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
)

func TestBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   string
		ok     bool
	}{
		{"a bearer token is extracted", "Bearer abc.def.ghi", "abc.def.ghi", true},
		{"the scheme is case-insensitive", "bEaReR abc", "abc", true},
		{"surrounding spaces are trimmed", "Bearer   abc  ", "abc", true},
		{"basic auth is not a bearer token", "Basic dXNlcjpwYXNz", "", false},
		{"an empty token is refused", "Bearer ", "", false},
		{"a token with a space inside is refused", "Bearer abc def", "", false},
		{"no header is refused", "", "", false},
		{"the scheme alone is refused", "Bearer", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := BearerToken(tt.header)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("BearerToken(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func token(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(claims)) + ".sig"
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	got, err := Expiry(token(`{"sub":"u1","exp":1900000000}`))
	if err != nil || !got.Equal(time.Unix(1900000000, 0)) {
		t.Fatalf("Expiry = %v, %v", got, err)
	}
	for _, bad := range []string{"", "abc", "a.b", token(`{"sub":"x"}`), token(`{"exp":"soon"}`), token(`{"exp":-5}`), "a.!!!.c"} {
		if _, err := Expiry(bad); err == nil {
			t.Errorf("Expiry(%q) accepted it", bad)
		}
	}
}

type countingVerifier struct {
	mu    sync.Mutex
	calls int
	valid map[string]auth.Principal
}

func (v *countingVerifier) Verify(_ context.Context, tok string) (auth.Principal, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls++
	p, ok := v.valid[tok]
	if !ok {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	return p, nil
}

func TestAuthenticatorCachesVerifiedTokensUntilTTLOrExpiry(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	long := token(`{"exp":` + strconv.FormatInt(now.Add(time.Hour).Unix(), 10) + `}`)
	short := token(`{"exp":` + strconv.FormatInt(now.Add(5*time.Second).Unix(), 10) + `}`)
	v := &countingVerifier{valid: map[string]auth.Principal{
		long: {Subject: "u1", Role: auth.RoleUser}, short: {Subject: "u2", Role: auth.RoleAdmin}}}
	clock := now
	a := New(v, Options{CacheTTL: 30 * time.Second, Now: func() time.Time { return clock }})
	ctx := context.Background()

	for range 3 {
		p, err := a.Authenticate(ctx, "Bearer "+long)
		if err != nil || p.Subject != "u1" {
			t.Fatalf("Authenticate = %v, %v", p, err)
		}
	}
	if v.calls != 1 {
		t.Fatalf("verifier called %d times for one token, want 1", v.calls)
	}
	clock = now.Add(31 * time.Second)
	if _, err := a.Authenticate(ctx, "Bearer "+long); err != nil {
		t.Fatal(err)
	}
	if v.calls != 2 {
		t.Fatalf("cache outlived its TTL: %d calls", v.calls)
	}

	clock = now
	if _, err := a.Authenticate(ctx, "Bearer "+short); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(6 * time.Second) // past the short token's exp, inside the TTL
	if _, err := a.Authenticate(ctx, "Bearer "+short); err != nil {
		t.Fatal(err)
	}
	if v.calls != 4 {
		t.Fatalf("a cached token outlived its exp: %d calls, want 4", v.calls)
	}
}

func TestAuthenticatorErrors(t *testing.T) {
	t.Parallel()
	a := New(&countingVerifier{}, Options{CacheTTL: time.Minute})
	if _, err := a.Authenticate(context.Background(), ""); !errors.Is(err, auth.ErrNoToken) {
		t.Fatalf("no header: %v", err)
	}
	if _, err := a.Authenticate(context.Background(), "Bearer nope"); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("bad token: %v", err)
	}
	if a.Len() != 0 {
		t.Fatal("a refused token was cached")
	}
}

func TestAuthenticatorCacheIsBounded(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	v := &countingVerifier{valid: map[string]auth.Principal{}}
	for i := range 50 {
		v.valid[token(`{"exp":1900000000,"n":`+strconv.Itoa(i)+`}`)] = auth.Principal{Subject: strconv.Itoa(i)}
	}
	a := New(v, Options{CacheTTL: time.Minute, CacheSize: 10, Now: func() time.Time { return now }})
	for tok := range v.valid {
		if _, err := a.Authenticate(context.Background(), "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
	}
	if a.Len() > 10 {
		t.Fatalf("cache holds %d tokens, bound is 10", a.Len())
	}
}

// FuzzTokenParsing: header and payload parsing never panic, and an accepted bearer token
// has no whitespace.
func FuzzTokenParsing(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer " + token(`{"exp":1}`), "Basic x", "Bearer a b", "Bearer \t",
		"Bearer " + token(`{"exp":1e300}`), "Bearer a..b", "Bearer ." + base64.RawURLEncoding.EncodeToString([]byte("{}")) + "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		tok, ok := BearerToken(header)
		if ok {
			for _, c := range tok {
				if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
					t.Fatalf("token %q holds whitespace", tok)
				}
			}
			if exp, err := Expiry(tok); err == nil && exp.Unix() <= 0 {
				t.Fatalf("Expiry(%q) = %v, not positive", tok, exp)
			}
		}
	})
}

func TestACachedTokenIsAcceptedWithoutAllocating(t *testing.T) {
	long := token(`{"exp":1900000000,"pad":"` + strings.Repeat("p", 3000) + `"}`)
	short := token(`{"exp":1900000000}`)
	for _, tok := range []string{short, long} {
		if got, want := tokenKey(tok), sha256.Sum256([]byte(tok)); got != want {
			t.Fatalf("tokenKey of a %d-byte token is not its SHA-256", len(tok))
		}
	}
	v := &countingVerifier{valid: map[string]auth.Principal{short: {Subject: "u1", Role: auth.RoleUser}}}
	a := New(v, Options{CacheTTL: time.Minute, Now: func() time.Time { return time.Unix(1_800_000_000, 0) }})
	header := "Bearer " + short
	if _, err := a.Authenticate(context.Background(), header); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := a.Authenticate(context.Background(), header); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a cache hit allocates %v times per request, want 0", allocs)
	}
}
