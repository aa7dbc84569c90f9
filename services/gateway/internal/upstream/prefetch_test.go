package upstream

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// proxyTo returns an Upstream forwarding to the server h.
func proxyTo(t *testing.T, h http.Handler) *Upstream {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	tr := NewTransport(Config{})
	t.Cleanup(tr.CloseIdleConnections)
	return New(Options{Name: "prefetch-test", Target: target, Transport: tr, Config: Config{Retries: 0},
		Log: slog.New(slog.DiscardHandler)})
}

// chunked writes body in two flushed parts, so it reaches the proxy without a length.
func chunked(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		half := len(body) / 2
		_, _ = io.WriteString(w, body[:half])
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, body[half:])
	}
}

func TestProxyForwardsChunkedJSONWithItsLengthAndWithoutFlushing(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", prefetchLimit+100)
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		wantLength  bool
	}{
		{"a chunked JSON document gets its Content-Length", http.MethodGet, "application/json", `{"items":[1,2,3]}`, true},
		{"a problem+json error does too", http.MethodGet, "application/problem+json; charset=utf-8", `{"code":"X"}`, true},
		{"a JSON body over the limit streams, whole", http.MethodGet, "application/json", `"` + big + `"`, false},
		{"plain text of unknown length streams as before", http.MethodGet, "text/plain", "line 1\nline 2\n", false},
		{"NDJSON streams as before", http.MethodGet, "application/x-ndjson", "{}\n{}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := proxyTo(t, chunked(tt.contentType, tt.body))
			rec := httptest.NewRecorder()
			u.ServeHTTP(rec, httptest.NewRequest(tt.method, "http://gateway.invalid/x", nil))
			if got := rec.Body.String(); got != tt.body {
				t.Fatalf("body %d bytes, want %d", len(got), len(tt.body))
			}
			length := rec.Header().Get("Content-Length")
			if tt.wantLength {
				if length != strconv.Itoa(len(tt.body)) {
					t.Fatalf("Content-Length %q, want %d", length, len(tt.body))
				}
				if rec.Flushed {
					t.Fatal("a complete JSON document was flushed write by write")
				}
				return
			}
			if length != "" {
				t.Fatalf("a streamed body got Content-Length %q", length)
			}
			if !rec.Flushed {
				t.Fatal("a body of unknown length was not flushed as it came")
			}
		})
	}
}

func TestProxyStillStreamsServerSentEvents(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	u := proxyTo(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		<-release // the second event waits until the client has seen the first
		_, _ = io.WriteString(w, "data: second\n\n")
	}))
	front := httptest.NewServer(u)
	defer front.Close()
	defer close(release)

	resp, err := front.Client().Get(front.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		first <- line
	}()
	select {
	case line := <-first:
		if line != "data: first\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first event did not reach the client while the stream was open")
	}
}

func TestProxyDoesNotPrefetchHeadOrBodilessAnswers(t *testing.T) {
	t.Parallel()
	u := proxyTo(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "42") // what GET would send
		if r.URL.Path == "/none" {
			w.Header().Del("Content-Length")
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	rec := httptest.NewRecorder()
	u.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "http://gateway.invalid/x", nil))
	if got := rec.Header().Get("Content-Length"); got != "42" {
		t.Fatalf("HEAD Content-Length %q, want the upstream's 42", got)
	}
	rec = httptest.NewRecorder()
	u.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://gateway.invalid/none", nil))
	if rec.Code != http.StatusNoContent || rec.Header().Get("Content-Length") != "" {
		t.Fatalf("204 answered %d with Content-Length %q", rec.Code, rec.Header().Get("Content-Length"))
	}
}

// brokenBodyTransport answers 200 with a chunked JSON body that fails halfway.
type brokenBodyTransport struct{ err error }

func (b brokenBodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, ContentLength: -1, Request: req,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(io.MultiReader(strings.NewReader(`{"items":[`), errReader{b.err}))}, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestABodyThatBreaksWhilePrefetchedFailsTheRequest(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset by peer")
	u := newTestUpstream(brokenBodyTransport{broken})
	resp, err := u.RoundTrip(httptest.NewRequest(http.MethodGet, "http://upstream.invalid/x", nil))
	var ue *UnavailableError
	if resp != nil || !errors.As(err, &ue) || !errors.Is(err, broken) {
		t.Fatalf("RoundTrip = %v, %v; want an unavailable error wrapping the read error", resp, err)
	}
}
