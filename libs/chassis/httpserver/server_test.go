package httpserver

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/chassis/logging"
	"github.com/tmfcatalog/platform/libs/chassis/logging/logtest"
)

func newTestRouter(t *testing.T, limit int64) (http.Handler, *logtest.Buffer) {
	t.Helper()
	logs := &logtest.Buffer{}
	log, err := logging.New("test", "debug", logs)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(Options{Service: "test", Log: log, BodyLimit: limit})
	mapper := apierror.NewMapper(log)
	r.Get("/cid", func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "handled")
		_, _ = io.WriteString(w, correlation.FromContext(r.Context()))
	})
	r.Post("/echo", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := apierror.DecodeJSON(r, &v); err != nil {
			mapper.Write(w, r, err)
			return
		}
		apierror.WriteJSON(w, http.StatusOK, v)
	})
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("secret internal detail") })
	return r, logs
}

func decodeEnvelope(t *testing.T, body []byte) apierror.Body {
	t.Helper()
	var env apierror.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("not an envelope: %q", body)
	}
	return env.Error
}

func TestCorrelationIDIsKeptEchoedAndLogged(t *testing.T) {
	t.Parallel()
	h, logs := newTestRouter(t, 0)
	req := httptest.NewRequest(http.MethodGet, "/cid", nil)
	req.Header.Set(correlation.Header, "client-id-123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Body.String() != "client-id-123" || rec.Header().Get(correlation.Header) != "client-id-123" {
		t.Fatalf("handler saw %q, response header %q", rec.Body.String(), rec.Header().Get(correlation.Header))
	}
	if !strings.Contains(logs.String(), `"correlation_id":"client-id-123"`) {
		t.Fatalf("logs lack the correlation id: %s", logs.String())
	}
}

func TestCorrelationIDIsGeneratedWhenMissingOrUnsafe(t *testing.T) {
	t.Parallel()
	h, _ := newTestRouter(t, 0)
	for _, sent := range []string{"", "bad id with spaces\n", strings.Repeat("x", 200)} {
		req := httptest.NewRequest(http.MethodGet, "/cid", nil)
		if sent != "" {
			req.Header.Set(correlation.Header, sent)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(correlation.Header)
		if got == "" || got == sent || got != rec.Body.String() || !correlation.Valid(got) {
			t.Fatalf("sent %q, got header %q body %q", sent, got, rec.Body.String())
		}
	}
}

func TestBodyOverTheLimitIs413Envelope(t *testing.T) {
	t.Parallel()
	h, _ := newTestRouter(t, 64)
	big := `{"name":"` + strings.Repeat("a", 200) + `"}`
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader(big))
		if chunked {
			req.ContentLength = -1 // no declared length: the limit must bite while reading
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked=%v: status %d body %s", chunked, rec.Code, rec.Body)
		}
		if body := decodeEnvelope(t, rec.Body.Bytes()); body.Code != apierror.CodePayloadTooLarge || body.CorrelationID == "" {
			t.Fatalf("envelope %+v", body)
		}
	}
}

func TestPanicIs500EnvelopeWithoutStack(t *testing.T) {
	t.Parallel()
	h, logs := newTestRouter(t, 0)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/panic", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("response leaks the panic: %s", rec.Body)
	}
	if body := decodeEnvelope(t, rec.Body.Bytes()); body.Code != apierror.CodeInternal {
		t.Fatalf("envelope %+v", body)
	}
	if !strings.Contains(logs.String(), "secret internal detail") || !strings.Contains(logs.String(), "stack") {
		t.Fatal("the panic and its stack must be logged")
	}
}

func TestUnknownRouteAndMethodAnswerTheEnvelope(t *testing.T) {
	t.Parallel()
	h, _ := newTestRouter(t, 0)
	for _, tc := range []struct {
		method, path string
		status       int
	}{{http.MethodGet, "/nope", 404}, {http.MethodDelete, "/cid", 405}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.status || decodeEnvelope(t, rec.Body.Bytes()).Code == "" {
			t.Fatalf("%s %s → %d %s", tc.method, tc.path, rec.Code, rec.Body)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatal("security headers missing")
		}
	}
}

func TestServeDrainsInFlightRequestsOnShutdown(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	started := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "done")
	})
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ServeListener(ctx, ln, h, log) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	select {
	case err := <-served:
		t.Fatalf("server stopped before the in-flight request finished: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if body := <-got; body != "done" {
		t.Fatalf("in-flight request got %q", body)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
}

func TestAccessLinesGoToTheAccessLoggerWhenOneIsGiven(t *testing.T) {
	t.Parallel()
	logs, access := &logtest.Buffer{}, &logtest.Buffer{}
	log, err := logging.New("test", "info", logs)
	if err != nil {
		t.Fatal(err)
	}
	accessLog, err := logging.New("test", "info", access)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(Options{Service: "test", Log: log, AccessLog: accessLog})
	r.Get("/x", func(w http.ResponseWriter, r *http.Request) { log.InfoContext(r.Context(), "handled") })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
	if !strings.Contains(access.String(), `"msg":"http request"`) || strings.Contains(access.String(), "handled") {
		t.Fatalf("access logger got %q", access.String())
	}
	if strings.Contains(logs.String(), "http request") || !strings.Contains(logs.String(), "handled") {
		t.Fatalf("service logger got %q", logs.String())
	}
}
