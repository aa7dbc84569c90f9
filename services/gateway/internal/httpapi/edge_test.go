package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

func TestCorrelationIDIsKeptEchoedForwardedAndLogged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	resp := h.do(http.MethodGet, "/api/v1/prices", nil, "Authorization", h.bearer(auth.RoleUser),
		correlation.Header, "corr-abc-123")
	if got := resp.Header.Values(correlation.Header); len(got) != 1 || got[0] != "corr-abc-123" {
		t.Fatalf("response correlation ids %q", got)
	}
	if got := h.ups[routing.Pricing].last().Header.Get(correlation.Header); got != "corr-abc-123" {
		t.Fatalf("upstream saw %q", got)
	}
	eventually(t, 2*time.Second, "access log line with the correlation id", func() bool {
		for _, line := range strings.Split(h.logs.String(), "\n") {
			var entry map[string]any
			if json.Unmarshal([]byte(line), &entry) != nil {
				continue
			}
			if entry["msg"] == "http request" && entry["correlation_id"] == "corr-abc-123" && entry["path"] == "/api/v1/prices" {
				return true
			}
		}
		return false
	})
}

func TestCorrelationIDIsGeneratedWhenAbsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	resp := h.do(http.MethodGet, "/api/v1/store/search", nil)
	id := resp.Header.Get(correlation.Header)
	if !correlation.Valid(id) {
		t.Fatalf("generated id %q", id)
	}
	if got := h.ups[routing.Store].last().Header.Get(correlation.Header); got != id {
		t.Fatalf("upstream saw %q, client got %q", got, id)
	}
}

func TestTraceContextIsPropagatedInW3CAndB3(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	h.do(http.MethodGet, "/api/v1/store/search", nil, "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	got := h.ups[routing.Store].last().Header
	tp := got.Get("traceparent")
	if !strings.HasPrefix(tp, "00-"+traceID+"-") || strings.Contains(tp, "00f067aa0ba902b7") {
		t.Fatalf("traceparent %q: want the same trace with the gateway's span", tp)
	}
	if b3 := got.Get("X-B3-TraceId"); b3 != traceID {
		t.Fatalf("X-B3-TraceId %q", b3)
	}
	if got.Get("X-B3-SpanId") == "" {
		t.Fatal("no X-B3-SpanId")
	}
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	preflight := func(origin string) *http.Response {
		return h.do(http.MethodOptions, "/api/v1/characteristics", nil, "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	}
	ok := preflight("http://localhost:3000")
	if ok.StatusCode != http.StatusNoContent || ok.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(ok.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Fatalf("allowed origin: status %d headers %v", ok.StatusCode, ok.Header)
	}
	bad := preflight("http://evil.example")
	expectError(t, bad, http.StatusForbidden, "FORBIDDEN")
	if bad.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("refused origin got Allow-Origin")
	}
	if n := len(h.ups[routing.Characteristic].requests()); n != 0 {
		t.Fatalf("preflights reached the upstream %d times", n)
	}
	actual := h.do(http.MethodGet, "/api/v1/store/search", nil, "Origin", "http://127.0.0.1:3000")
	if got := actual.Header.Values("Access-Control-Allow-Origin"); len(got) != 1 || got[0] != "http://127.0.0.1:3000" {
		t.Fatalf("actual request Allow-Origin %q", got)
	}
}

func TestRateLimitPerClientIP(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.RatePerIP = 2 })
	for i := range 2 {
		if resp := h.do(http.MethodGet, "/api/v1/store/search", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
		}
	}
	resp := h.do(http.MethodGet, "/api/v1/store/search", nil)
	expectError(t, resp, http.StatusTooManyRequests, "RATE_LIMITED")
	if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 30 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	// An untrusted client cannot escape by claiming another address.
	expectError(t, h.do(http.MethodGet, "/api/v1/store/search", nil, "X-Forwarded-For", "198.51.100.1"),
		http.StatusTooManyRequests, "RATE_LIMITED")
	if resp := h.do(http.MethodGet, "/health", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("/health is rate limited: %d", resp.StatusCode)
	}
}

func TestRateLimitBehindATrustedProxyIsPerForwardedClient(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.RatePerIP = 1; c.TrustedProxies = []string{"127.0.0.1"} })
	if resp := h.do(http.MethodGet, "/api/v1/store/search", nil, "X-Forwarded-For", "198.51.100.1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if resp := h.do(http.MethodGet, "/api/v1/store/search", nil, "X-Forwarded-For", "198.51.100.2"); resp.StatusCode != http.StatusOK {
		t.Fatalf("a second client behind the proxy shares the first one's bucket: %d", resp.StatusCode)
	}
	expectError(t, h.do(http.MethodGet, "/api/v1/store/search", nil, "X-Forwarded-For", "198.51.100.1"),
		http.StatusTooManyRequests, "RATE_LIMITED")
}

func TestRateLimitPerUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.RatePerUser = 2 })
	alice := "Bearer " + h.iss.TokenFor(auth.Principal{Subject: "alice", Username: "alice", Role: auth.RoleUser})
	bob := "Bearer " + h.iss.TokenFor(auth.Principal{Subject: "bob", Username: "bob", Role: auth.RoleUser})
	for range 2 {
		if resp := h.do(http.MethodGet, "/api/v1/prices", nil, "Authorization", alice); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	resp := h.do(http.MethodGet, "/api/v1/prices", nil, "Authorization", alice)
	expectError(t, resp, http.StatusTooManyRequests, "RATE_LIMITED")
	if resp.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	if resp := h.do(http.MethodGet, "/api/v1/prices", nil, "Authorization", bob); resp.StatusCode != http.StatusOK {
		t.Fatalf("another user is limited too: %d", resp.StatusCode)
	}
}

func TestRequestBodiesAreLimited(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.BodyLimit = 1024 })
	big := bytes.Repeat([]byte("a"), 4096)
	expectError(t, h.do(http.MethodPost, "/api/v1/characteristics", bytes.NewReader(big), "Authorization", h.bearer(auth.RoleAdmin)),
		http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	// Without a Content-Length the limit trips while streaming to the upstream.
	chunked := io.MultiReader(bytes.NewReader(big)) // not a *bytes.Reader: length unknown, sent chunked
	expectError(t, h.do(http.MethodPost, "/api/v1/characteristics", chunked, "Authorization", h.bearer(auth.RoleAdmin)),
		http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	small := h.do(http.MethodPost, "/api/v1/characteristics", strings.NewReader(`{"name":"x"}`), "Authorization", h.bearer(auth.RoleAdmin))
	if small.StatusCode != http.StatusOK {
		t.Fatalf("small body: status %d", small.StatusCode)
	}
	if got := breakerState(t, h, routing.Characteristic); got != "closed" {
		t.Fatalf("oversized bodies moved the breaker to %q", got)
	}
}

func TestForwardedForIsPassedOnOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	untrusted := newHarness(t, nil)
	untrusted.do(http.MethodGet, "/api/v1/store/search", nil, "X-Forwarded-For", "6.6.6.6")
	if got := untrusted.ups[routing.Store].last().Header.Get("X-Forwarded-For"); got != "127.0.0.1" {
		t.Fatalf("untrusted client: upstream saw X-Forwarded-For %q, want only the peer", got)
	}
	trusted := newHarness(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.0/8"} })
	trusted.do(http.MethodGet, "/api/v1/store/search", nil, "X-Forwarded-For", "198.51.100.7")
	if got := trusted.ups[routing.Store].last().Header.Get("X-Forwarded-For"); got != "198.51.100.7, 127.0.0.1" {
		t.Fatalf("trusted proxy: upstream saw X-Forwarded-For %q", got)
	}
}
