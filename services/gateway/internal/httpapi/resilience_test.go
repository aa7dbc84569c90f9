package httpapi

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

func breakerState(t *testing.T, h *harness, name string) string {
	t.Helper()
	rep := decode[DependenciesReport](t, h.do(http.MethodGet, "/health/dependencies", nil))
	return rep.Dependencies[name].Breaker
}

func TestBreakerOpensOnAStoppedUpstreamAndClosesAfterItReturns(t *testing.T) {
	t.Parallel()
	const openFor = 300 * time.Millisecond
	h := newHarness(t, func(c *Config) { c.Upstream.BreakerOpen = openFor })
	up := h.ups[routing.Characteristic]
	token := h.bearer(auth.RoleUser)
	get := func() *http.Response {
		return h.do(http.MethodGet, "/api/v1/characteristics", nil, "Authorization", token)
	}

	if resp := get(); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthy upstream: status %d", resp.StatusCode)
	}
	up.stop()
	for i := range 3 {
		resp := get()
		expectError(t, resp, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
		if resp.Header.Get("Retry-After") == "" {
			t.Fatalf("failure %d: no Retry-After", i+1)
		}
	}
	if got := breakerState(t, h, routing.Characteristic); got != "open" {
		t.Fatalf("breaker %q after 3 failures, want open", got)
	}
	start := time.Now()
	resp := get()
	env := expectError(t, resp, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	if took := time.Since(start); took > time.Second { // well under the 2 s connect and response timeouts
		t.Fatalf("an open breaker took %v to answer", took)
	}
	if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	if env.Error.Message == "" || env.Error.CorrelationID == "" {
		t.Fatalf("envelope %+v lacks message or correlation id", env.Error)
	}
	if got := breakerState(t, h, routing.Pricing); got != "closed" {
		t.Fatalf("another upstream's breaker is %q", got)
	}
	rep := decode[DependenciesReport](t, h.do(http.MethodGet, "/health/dependencies", nil))
	if d := rep.Dependencies[routing.Characteristic]; d.Status != "unhealthy" || rep.Status != "degraded" {
		t.Fatalf("report %+v", rep)
	}

	up.restart()
	eventually(t, 10*time.Second, "breaker closes after the upstream is back", func() bool {
		get()
		return breakerState(t, h, routing.Characteristic) == "closed"
	})
	if resp := get(); resp.StatusCode != http.StatusOK {
		t.Fatalf("after recovery: status %d", resp.StatusCode)
	}
}

func TestUpstream4xxPassesThroughAndNeverTripsTheBreaker(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.ups[routing.Pricing].setHandler(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "pricing")
		w.WriteHeader(http.StatusLocked)
		_, _ = w.Write([]byte(`{"error":{"code":"LOCKED","message":"price is locked"}}`))
	})
	for range 5 {
		resp := h.do(http.MethodPut, "/api/v1/prices/p1", nil, "Authorization", h.bearer(auth.RoleAdmin))
		env := expectError(t, resp, http.StatusLocked, "LOCKED")
		if env.Error.Message != "price is locked" || resp.Header.Get("X-Upstream") != "pricing" {
			t.Fatalf("4xx changed on the way: %+v", env)
		}
	}
	if got := breakerState(t, h, routing.Pricing); got != "closed" {
		t.Fatalf("breaker %q after 4xx answers", got)
	}
}

func TestUpstream5xxIsReturnedAndTripsTheBreaker(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.ups[routing.Offering].setHandler(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":{"code":"INTERNAL_ERROR","message":"internal error"}}`))
	})
	for range 3 {
		expectError(t, h.do(http.MethodGet, "/api/v1/offerings", nil, "Authorization", h.bearer(auth.RoleUser)),
			http.StatusInternalServerError, "INTERNAL_ERROR")
	}
	expectError(t, h.do(http.MethodGet, "/api/v1/offerings", nil, "Authorization", h.bearer(auth.RoleUser)),
		http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	if n := len(h.ups[routing.Offering].requests()); n != 3 {
		t.Fatalf("upstream saw %d requests, want 3 (the 4th is refused by the breaker)", n)
	}
}

func TestSlowUpstreamAnswersGatewayTimeoutWithinTheTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	h := newHarness(t, func(c *Config) { c.Upstream.ResponseTimeout = timeout })
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	h.ups[routing.Specification].setHandler(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	start := time.Now()
	resp := h.do(http.MethodGet, "/api/v1/specifications", nil, "Authorization", h.bearer(auth.RoleUser),
		"X-Correlation-ID", "slow-req-1")
	took := time.Since(start)
	env := expectError(t, resp, http.StatusGatewayTimeout, "GATEWAY_TIMEOUT")
	if took < timeout || took > timeout+time.Second {
		t.Fatalf("answered after %v, timeout is %v", took, timeout)
	}
	if env.Error.CorrelationID != "slow-req-1" {
		t.Fatalf("correlation id %q", env.Error.CorrelationID)
	}
}
