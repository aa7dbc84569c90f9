package httpapi

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/tmfcatalog/platform/libs/auth/authtest"
	"github.com/tmfcatalog/platform/libs/chassis/logging"
	"github.com/tmfcatalog/platform/libs/chassis/logging/logtest"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
	"github.com/tmfcatalog/platform/services/gateway/internal/upstream"
)

func TestMain(m *testing.M) {
	// What lifecycle.Main installs in production: W3C + B3 propagation and a recording provider.
	otel.SetTextMapPropagator(tracing.Propagator())
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample())))
	os.Exit(m.Run())
}

// seen is what a fake upstream observed of one request.
type seen struct {
	Method string
	Path   string
	Header http.Header
}

// fakeUpstream is a real HTTP server on a fixed loopback address that can be stopped and
// restarted on the same address.
type fakeUpstream struct {
	t       testing.TB
	name    string
	addr    string
	handler http.Handler
	mu      sync.Mutex
	srv     *httptest.Server
	reqs    []seen
}

func newFakeUpstream(t testing.TB, name string) *fakeUpstream {
	f := &fakeUpstream{t: t, name: name}
	f.handler = http.HandlerFunc(f.echo)
	f.start("127.0.0.1:0")
	t.Cleanup(f.stop)
	return f
}

// echo answers 200 with the upstream's name and the path it received.
func (f *fakeUpstream) echo(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/health":
		w.WriteHeader(http.StatusOK)
		return
	case "/openapi.json":
		writeJSON(w, map[string]any{"openapi": "3.1.0", "paths": map[string]any{
			"/health":             map[string]any{},
			"/internal/" + f.name: map[string]any{},
			docPath(f.name):       map[string]any{"get": map[string]any{"summary": "read one " + f.name}}},
			"components": map[string]any{"schemas": map[string]any{f.name + "Read": map[string]any{"type": "object"}}}})
		return
	}
	writeJSON(w, map[string]string{"upstream": f.name, "path": r.URL.Path, "query": r.URL.RawQuery})
}

// docPath is the path a fake upstream documents: under its first route, with a template.
func docPath(name string) string {
	for _, rt := range routing.Table {
		if rt.Upstream == name {
			return rt.Prefix + "/{id}"
		}
	}
	return "/unrouted/" + name
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, seen{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()})
	h := f.handler
	f.mu.Unlock()
	h.ServeHTTP(w, r)
}

func (f *fakeUpstream) setHandler(h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handler = h
}

// requests returns what the upstream saw, health probes and document fetches excluded.
func (f *fakeUpstream) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []seen
	for _, s := range f.reqs {
		if s.Path != "/health" && s.Path != "/openapi.json" {
			out = append(out, s)
		}
	}
	return out
}

func (f *fakeUpstream) last() seen {
	reqs := f.requests()
	if len(reqs) == 0 {
		f.t.Fatalf("%s saw no request", f.name)
	}
	return reqs[len(reqs)-1]
}

func (f *fakeUpstream) start(addr string) {
	deadline := time.Now().Add(5 * time.Second)
	var ln net.Listener
	var err error
	for {
		ln, err = net.Listen("tcp", addr)
		if err == nil || time.Now().After(deadline) {
			break
		}
		<-time.After(pollInterval)
	}
	if err != nil {
		f.t.Fatalf("listen %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(f)
	srv.Listener = ln
	srv.Start()
	f.mu.Lock()
	f.srv, f.addr = srv, ln.Addr().String()
	f.mu.Unlock()
}

func (f *fakeUpstream) stop() {
	f.mu.Lock()
	srv := f.srv
	f.srv = nil
	f.mu.Unlock()
	if srv != nil {
		srv.CloseClientConnections()
		srv.Close()
	}
}

func (f *fakeUpstream) restart() { f.start(f.addr) }

func (f *fakeUpstream) url() *url.URL { return &url.URL{Scheme: "http", Host: f.addr} }

type harness struct {
	t    testing.TB
	gw   *Gateway
	srv  *httptest.Server
	iss  *authtest.Issuer
	logs *logtest.Buffer
	ups  map[string]*fakeUpstream
}

// newHarness starts one fake upstream per route target and a gateway in front of them; tweak
// adjusts the configuration first.
func newHarness(t testing.TB, tweak func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, iss: authtest.NewIssuer(t), logs: &logtest.Buffer{}, ups: map[string]*fakeUpstream{}}
	cfg := Config{
		Upstreams: map[string]*url.URL{},
		Upstream: upstream.Config{ConnectTimeout: time.Second, ResponseTimeout: 2 * time.Second,
			BreakerOpen: time.Minute, Retries: 2, RetryBackoff: time.Millisecond},
		TokenTTL:    time.Minute,
		CORSOrigins: []string{"http://localhost:3000", "http://127.0.0.1:3000"},
		BodyLimit:   1 << 20,
	}
	for _, name := range routing.Upstreams {
		h.ups[name] = newFakeUpstream(t, name)
		cfg.Upstreams[name] = h.ups[name].url()
	}
	verifier := h.iss.Verifier()
	cfg.Verifier = verifier
	if tweak != nil {
		tweak(&cfg)
	}
	log, err := logging.New(Service, "info", h.logs)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	h.gw = gw
	h.srv = httptest.NewServer(gw)
	t.Cleanup(func() { h.srv.Close(); gw.Close() })
	return h
}

// do sends a request to the gateway; headers alternate name, value.
func (h *harness) do(method, path string, body io.Reader, headers ...string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (h *harness) bearer(role string) string { return "Bearer " + h.iss.Token(role) }

// envelope is the gateway's error body.
type envelope struct {
	Error struct {
		Code          string `json:"code"`
		Message       string `json:"message"`
		CorrelationID string `json:"correlation_id"`
	} `json:"error"`
}

func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	return v
}

func expectError(t *testing.T, resp *http.Response, status int, code string) envelope {
	t.Helper()
	if resp.StatusCode != status {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d (%s), want %d", resp.StatusCode, strings.TrimSpace(string(raw)), status)
	}
	env := decode[envelope](t, resp)
	if env.Error.Code != code {
		t.Fatalf("code %q, want %q", env.Error.Code, code)
	}
	return env
}

// pollInterval paces every polling loop of the tests.
const pollInterval = 10 * time.Millisecond

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true within %v", what, within)
		}
		<-time.After(pollInterval)
	}
}
