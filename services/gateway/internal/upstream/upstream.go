// Package upstream forwards requests to one backing service through a shared, tuned transport,
// guarded by a per-upstream circuit breaker, with retries for idempotent requests that could
// not connect.
package upstream

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Config holds the timeouts, breaker and retry settings shared by every upstream.
type Config struct {
	// ConnectTimeout bounds establishing a TCP connection (default 2 s).
	ConnectTimeout time.Duration
	// ResponseTimeout bounds waiting for the response headers once the request is sent (default 4 s).
	ResponseTimeout time.Duration
	// BreakerFailures consecutive failures open the breaker (default 3).
	BreakerFailures uint32
	// BreakerOpen is how long an open breaker refuses requests before probing (default 20 s).
	BreakerOpen time.Duration
	// HalfOpenRequests probes are let through while half-open; that many consecutive successes
	// close the breaker again (default 3).
	HalfOpenRequests uint32
	// Retries is how many times an idempotent, bodiless request is retried after a connection
	// error (default 2); RetryBackoff is the base of the jittered exponential backoff (default 50 ms).
	Retries      int
	RetryBackoff time.Duration
	// MaxIdleConnsPerHost sizes the keep-alive pool per upstream (default 512).
	MaxIdleConnsPerHost int
}

func (c *Config) setDefaults() {
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 2 * time.Second
	}
	if c.ResponseTimeout <= 0 {
		c.ResponseTimeout = 4 * time.Second
	}
	if c.BreakerFailures == 0 {
		c.BreakerFailures = 3
	}
	if c.BreakerOpen <= 0 {
		c.BreakerOpen = 20 * time.Second
	}
	if c.HalfOpenRequests == 0 {
		c.HalfOpenRequests = 3
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = 50 * time.Millisecond
	}
	if c.MaxIdleConnsPerHost <= 0 {
		c.MaxIdleConnsPerHost = 512
	}
}

// Decorator adjusts an outbound request (forwarding chain, correlation id, user id, trace
// context); in is the request as received and must not be modified.
type Decorator func(in, out *http.Request)

// ErrorHandler answers a request whose forwarding failed; err is an *UnavailableError,
// *TimeoutError, a body-size error, or a client cancellation.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// Upstream is one backing service.
type Upstream struct {
	name     string
	target   *url.URL
	cfg      Config
	next     http.RoundTripper
	breaker  *gobreaker.TwoStepCircuitBreaker[struct{}]
	openedAt atomic.Int64 // unix nanoseconds of the last transition to open
	proxy    *httputil.ReverseProxy
	log      *slog.Logger
	counts   counters
}

// Options describe one upstream.
type Options struct {
	Name   string
	Target *url.URL
	// Transport is the shared transport (NewTransport).
	Transport http.RoundTripper
	Config    Config
	// StripPrefix is removed from the request path before forwarding (e.g. "/ops": the gateway's
	// /ops/api/instances is the engine's /api/instances). Empty forwards the path unchanged.
	StripPrefix string
	// Decorate runs on every outbound request; OnError answers failed ones.
	Decorate Decorator
	OnError  ErrorHandler
	Log      *slog.Logger
}

// New returns the upstream described by o.
func New(o Options) *Upstream {
	o.Config.setDefaults()
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	u := &Upstream{name: o.Name, target: o.Target, cfg: o.Config, next: o.Transport, log: o.Log,
		counts: newCounters(o.Name)}
	breakerState.WithLabelValues(o.Name).Set(0)
	u.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:          o.Name,
		MaxRequests:   o.Config.HalfOpenRequests,
		Timeout:       o.Config.BreakerOpen,
		ReadyToTrip:   func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= o.Config.BreakerFailures },
		IsExcluded:    excluded,
		OnStateChange: u.stateChanged,
	})
	u.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			if o.StripPrefix != "" {
				stripPrefix(pr.Out.URL, o.StripPrefix)
			}
			pr.SetURL(o.Target)
			pr.SetXForwarded()
			if o.Decorate != nil {
				o.Decorate(pr.In, pr.Out)
			}
		},
		Transport:      u,
		BufferPool:     bufferPool{},
		ModifyResponse: dropDuplicatedHeaders,
		ErrorHandler:   o.OnError,
		ErrorLog:       slog.NewLogLogger(o.Log.Handler(), slog.LevelDebug),
	}
	return u
}

// stateChanged records when the breaker opened (for Retry-After) and logs every transition.
func (u *Upstream) stateChanged(name string, from, to gobreaker.State) {
	if to == gobreaker.StateOpen {
		u.openedAt.Store(time.Now().UnixNano())
	}
	breakerState.WithLabelValues(name).Set(stateValue(to))
	u.log.WarnContext(context.Background(), "circuit breaker state changed",
		"upstream", name, "from", from.String(), "to", to.String())
}

// Name returns the upstream's name.
func (u *Upstream) Name() string { return u.name }

// Target returns the upstream's base URL.
func (u *Upstream) Target() *url.URL { return u.target }

// State returns the breaker state: "closed", "half-open" or "open".
func (u *Upstream) State() string { return u.breaker.State().String() }

// ServeHTTP forwards r to the upstream: path (minus StripPrefix) and query unchanged.
func (u *Upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.proxy.ServeHTTP(w, r) }

// RoundTrip sends one outbound request through the breaker. Upstream 4xx responses count as
// successes; 5xx responses are returned unchanged but count as failures. Bodies stream through
// as they come: the services send their JSON answers whole, with a Content-Length
// (apierror.WriteJSON), so there is nothing to gather here.
func (u *Upstream) RoundTrip(req *http.Request) (*http.Response, error) {
	done, err := u.breaker.Allow()
	if err != nil {
		if isBreakerRefusal(err) {
			u.counts[outcomeRejected].Inc()
			return nil, &UnavailableError{Upstream: u.name, RetryAfter: u.retryAfter(), BreakerOpen: true, Cause: err}
		}
		return nil, fmt.Errorf("%s breaker: %w", u.name, err)
	}
	resp, err := u.send(req)
	switch {
	case err != nil && clientGone(req, err):
		done(errClientGone)
		u.counts[outcomeAborted].Inc()
		return nil, err
	case err != nil && isBodyTooLarge(err):
		done(err)
		u.counts[outcomeAborted].Inc()
		return nil, err
	case err != nil:
		done(err)
		if isDialError(err) || !isTimeout(err) {
			u.counts[outcomeUnavailable].Inc()
			return nil, &UnavailableError{Upstream: u.name, RetryAfter: u.retryAfter(), Cause: err}
		}
		u.counts[outcomeTimeout].Inc()
		return nil, &TimeoutError{Upstream: u.name, After: u.cfg.ResponseTimeout, Cause: err}
	case resp.StatusCode >= 500:
		done(errServerError)
		u.counts[outcomeServerError].Inc()
	case resp.StatusCode >= 400:
		done(nil)
		u.counts[outcomeClientError].Inc()
	default:
		done(nil)
		u.counts[outcomeOK].Inc()
	}
	return resp, nil
}

// send performs the request, retrying connection failures of idempotent bodiless requests with
// full-jitter exponential backoff.
func (u *Upstream) send(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := u.next.RoundTrip(req)
		if err == nil || attempt >= u.cfg.Retries || !retryable(req) || !isDialError(err) {
			return resp, err
		}
		backoff := u.cfg.RetryBackoff << attempt
		wait := rand.N(backoff) + 1
		t := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		case <-t.C:
		}
	}
}

// stripPrefix removes prefix from u's path (and raw path), keeping it absolute.
func stripPrefix(u *url.URL, prefix string) {
	u.Path = ensureSlash(strings.TrimPrefix(u.Path, prefix))
	if u.RawPath != "" {
		u.RawPath = ensureSlash(strings.TrimPrefix(u.RawPath, prefix))
	}
}

func ensureSlash(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/" + p
	}
	return p
}

// retryable: idempotent method and no body to replay.
func retryable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete, http.MethodPut:
	default:
		return false
	}
	return req.Body == nil || req.Body == http.NoBody
}

// retryAfter is the time left before an open breaker lets a probe through (at least 1 s).
func (u *Upstream) retryAfter() time.Duration {
	if u.breaker.State() != gobreaker.StateOpen {
		return time.Second
	}
	left := time.Until(time.Unix(0, u.openedAt.Load()).Add(u.cfg.BreakerOpen))
	if left < time.Second {
		return time.Second
	}
	return left
}

// Probe calls the upstream's GET /health with client (whose timeout bounds it) and reports nil
// when it answers 2xx. Probes observe; they do not feed the breaker.
func (u *Upstream) Probe(ctx context.Context, client *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.target.JoinPath("/health").String(), nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", u.name, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", u.name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("probe %s: status %d", u.name, resp.StatusCode)
	}
	return nil
}

// duplicated lists headers the gateway already sets on every response (correlation id,
// security headers, CORS); an upstream's copies are dropped so clients see each once.
var duplicated = []string{
	"X-Correlation-Id", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Cache-Control",
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers",
	"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age",
}

func dropDuplicatedHeaders(resp *http.Response) error {
	for _, h := range duplicated {
		delete(resp.Header, h)
	}
	return nil
}

// bufferPool recycles the 32 KiB copy buffers of the reverse proxy.
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *(buffers.Get().(*[]byte)) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }
