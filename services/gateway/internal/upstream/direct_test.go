package upstream

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer serves h and counts the TCP connections it accepted.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func newDirectTransport(t *testing.T, cfg Config) *Transport {
	t.Helper()
	tr := NewTransport(cfg)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// do sends method url through tr and returns the status and the whole body.
func do(t *testing.T, tr http.RoundTripper, method, url string, body io.Reader) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s body: %v", method, url, err)
	}
	return resp.StatusCode, string(b)
}

func TestDirectPathTakesOnlyBodilessReplayableHTTPRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		url    string
		body   io.Reader
		header string
		want   bool
	}{
		{"a GET is sent directly", http.MethodGet, "http://u/x", nil, "", true},
		{"a HEAD is sent directly", http.MethodHead, "http://u/x", nil, "", true},
		{"an OPTIONS is sent directly", http.MethodOptions, "http://u/x", nil, "", true},
		{"a DELETE is not (http.Transport does not replay it either)", http.MethodDelete, "http://u/x", nil, "", false},
		{"a POST is not", http.MethodPost, "http://u/x", strings.NewReader("{}"), "", false},
		{"a GET with a body is not", http.MethodGet, "http://u/x", strings.NewReader("{}"), "", false},
		{"https is not", http.MethodGet, "https://u/x", nil, "", false},
		{"an upgrade is not", http.MethodGet, "http://u/x", nil, "Upgrade", false},
		{"a 100-continue is not", http.MethodGet, "http://u/x", nil, "Expect", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(tt.method, tt.url, tt.body)
			if tt.header != "" {
				req.Header.Set(tt.header, "x")
			}
			if got := direct(req); got != tt.want {
				t.Fatalf("direct = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDirectGETsShareOneKeepAliveConnection(t *testing.T) {
	t.Parallel()
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2")
		if r.Method != http.MethodHead {
			_, _ = io.WriteString(w, "ok")
		}
	}))
	tr := newDirectTransport(t, Config{})
	for range 5 {
		if code, body := do(t, tr, http.MethodGet, srv.URL+"/x?q=1", nil); code != 200 || body != "ok" {
			t.Fatalf("GET = %d %q", code, body)
		}
		if code, body := do(t, tr, http.MethodHead, srv.URL+"/x", nil); code != 200 || body != "" {
			t.Fatalf("HEAD = %d %q", code, body)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 10 sequential requests, want 1", n)
	}
}

func TestDirectRequestsNotReusingWhatCannotBeReused(t *testing.T) {
	t.Parallel()
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/close" {
			w.Header().Set("Connection", "close")
		}
		_, _ = io.WriteString(w, strings.Repeat("x", 100<<10))
	}))
	tr := newDirectTransport(t, Config{})
	do(t, tr, http.MethodGet, srv.URL+"/close", nil)
	do(t, tr, http.MethodGet, srv.URL+"/close", nil)
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections after two answers with Connection: close, want 2", n)
	}
	// A body closed before its end leaves the connection in an unknown place: not reused.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/partial", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = resp.Body.Read(make([]byte, 10))
	resp.Body.Close()
	do(t, tr, http.MethodGet, srv.URL+"/after", nil)
	if n := conns.Load(); n != 4 {
		t.Fatalf("%d connections, want 4 (the partly read one was reused)", n)
	}
}

func TestDirectGETIsRetriedWhenItsIdleConnectionWasClosed(t *testing.T) {
	t.Parallel()
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	tr := newDirectTransport(t, Config{})
	do(t, tr, http.MethodGet, srv.URL+"/a", nil)
	srv.CloseClientConnections() // the upstream drops its idle keep-alive connection
	if code, body := do(t, tr, http.MethodGet, srv.URL+"/b", nil); code != 200 || body != "ok" {
		t.Fatalf("GET after the upstream closed the idle connection = %d %q", code, body)
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2", n)
	}
}

func TestDirectGETWithoutAnswerInTimeIsATimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv, _ := countingServer(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer close(release)
	tr := newDirectTransport(t, Config{ResponseTimeout: 50 * time.Millisecond})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/slow", nil)
	_, err := tr.RoundTrip(req)
	if !isTimeout(err) {
		t.Fatalf("RoundTrip = %v, want a timeout", err)
	}
}

func TestCancelledDirectRequestStopsWaitingAndSaysWhy(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv, _ := countingServer(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	defer close(release)
	tr := newDirectTransport(t, Config{ResponseTimeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/slow", nil)
	errc := make(chan error, 1)
	go func() {
		_, err := tr.RoundTrip(req)
		errc <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("RoundTrip = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled request kept waiting for its answer")
	}
}

func TestRequestsWithABodyGoThroughTheStandardTransport(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, r.Body)
	}))
	tr := newDirectTransport(t, Config{})
	if code, body := do(t, tr, http.MethodPost, srv.URL+"/echo", strings.NewReader(`{"a":1}`)); code != 200 || body != `{"a":1}` {
		t.Fatalf("POST = %d %q", code, body)
	}
}
