package upstream

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// scriptedTransport fails the first failures attempts with err, then answers status.
type scriptedTransport struct {
	mu       sync.Mutex
	attempts int
	failures int
	err      error
	status   int
}

func (s *scriptedTransport) RoundTrip(*http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.attempts <= s.failures {
		return nil, s.err
	}
	return &http.Response{StatusCode: s.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok"))}, nil
}

var (
	dialRefused = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	readTimeout = &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func newTestUpstream(rt http.RoundTripper) *Upstream {
	target, _ := url.Parse("http://upstream.invalid")
	return New(Options{Name: "test", Target: target, Transport: rt,
		Config: Config{Retries: 2, RetryBackoff: time.Millisecond, BreakerOpen: time.Minute},
		Log:    slog.New(slog.DiscardHandler)})
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		body         string
		failures     int
		err          error
		wantAttempts int
		wantErr      any
	}{
		{"a GET that cannot connect is retried until it succeeds", http.MethodGet, "", 2, dialRefused, 3, nil},
		{"a GET gives up after the configured retries", http.MethodGet, "", 5, dialRefused, 3, &UnavailableError{}},
		{"a DELETE without a body is retried", http.MethodDelete, "", 1, dialRefused, 2, nil},
		{"a POST is never retried", http.MethodPost, "", 1, dialRefused, 1, &UnavailableError{}},
		{"a PUT with a body is not retried", http.MethodPut, `{"a":1}`, 1, dialRefused, 1, &UnavailableError{}},
		{"a timeout is not retried and maps to a timeout", http.MethodGet, "", 1, readTimeout, 1, &TimeoutError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt := &scriptedTransport{failures: tt.failures, err: tt.err, status: http.StatusOK}
			u := newTestUpstream(rt)
			var body io.Reader = http.NoBody
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req := httptest.NewRequest(tt.method, "http://upstream.invalid/x", body)
			if tt.body == "" {
				req.Body = nil
			}
			resp, err := u.RoundTrip(req)
			if resp != nil {
				resp.Body.Close()
			}
			if rt.attempts != tt.wantAttempts {
				t.Fatalf("%d attempts, want %d", rt.attempts, tt.wantAttempts)
			}
			switch tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("error %v", err)
				}
			case *UnavailableError:
				var got *UnavailableError
				if !errors.As(err, &got) {
					t.Fatalf("error %v, want unavailable", err)
				}
			case *TimeoutError:
				var got *TimeoutError
				if !errors.As(err, &got) {
					t.Fatalf("error %v, want timeout", err)
				}
			}
		})
	}
}

func TestBreakerCountsOneFailurePerRequestAndIgnoresClientCancellation(t *testing.T) {
	t.Parallel()
	rt := &scriptedTransport{failures: 1000, err: dialRefused}
	u := newTestUpstream(rt)
	for range 2 {
		_, _ = u.RoundTrip(httptest.NewRequest(http.MethodGet, "http://upstream.invalid/x", nil))
	}
	if u.State() != "closed" {
		t.Fatalf("breaker %s after 2 requests (6 attempts), want closed", u.State())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	canceled := &scriptedTransport{failures: 1000, err: context.Canceled}
	u2 := newTestUpstream(canceled)
	for range 5 {
		_, _ = u2.RoundTrip(httptest.NewRequest(http.MethodGet, "http://upstream.invalid/x", nil).WithContext(ctx))
	}
	if u2.State() != "closed" {
		t.Fatalf("client cancellations opened the breaker")
	}
	_, _ = u.RoundTrip(httptest.NewRequest(http.MethodGet, "http://upstream.invalid/x", nil))
	if u.State() != "open" {
		t.Fatalf("breaker %s after 3 failed requests, want open", u.State())
	}
	_, err := u.RoundTrip(httptest.NewRequest(http.MethodGet, "http://upstream.invalid/x", nil))
	var ue *UnavailableError
	if !errors.As(err, &ue) || !ue.BreakerOpen || ue.RetryAfter < 50*time.Second {
		t.Fatalf("open breaker answered %v", err)
	}
}

func TestStripPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, path, raw, wantPath, wantRaw string }{
		{"a nested path loses the prefix", "/ops/api/instances", "", "/api/instances", ""},
		{"the bare prefix becomes the root", "/ops", "", "/", ""},
		{"the raw path is trimmed too", "/ops/api/a/b", "/ops/api/a%2Fb", "/api/a/b", "/api/a%2Fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := &url.URL{Path: tt.path, RawPath: tt.raw}
			stripPrefix(u, "/ops")
			if u.Path != tt.wantPath || u.RawPath != tt.wantRaw {
				t.Fatalf("got %q %q", u.Path, u.RawPath)
			}
		})
	}
}

func TestOutcomesAndBreakerStateAreExported(t *testing.T) {
	t.Parallel()
	target, _ := url.Parse("http://metrics.invalid")
	u := New(Options{Name: "metrics-test", Target: target, Transport: &scriptedTransport{failures: 1000, err: dialRefused},
		Config: Config{Retries: 0, BreakerOpen: time.Minute}})
	for range 4 {
		_, _ = u.RoundTrip(httptest.NewRequest(http.MethodGet, "http://metrics.invalid/x", nil))
	}
	if got := testutil.ToFloat64(requestsTotal.WithLabelValues("metrics-test", outcomeUnavailable)); got != 3 {
		t.Fatalf("unavailable = %v, want 3", got)
	}
	if got := testutil.ToFloat64(requestsTotal.WithLabelValues("metrics-test", outcomeRejected)); got != 1 {
		t.Fatalf("rejected = %v, want 1", got)
	}
	if got := testutil.ToFloat64(breakerState.WithLabelValues("metrics-test")); got != 2 {
		t.Fatalf("breaker state = %v, want 2 (open)", got)
	}
}
