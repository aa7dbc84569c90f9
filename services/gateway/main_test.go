package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/logging/logtest"
	"github.com/tmfcatalog/platform/libs/chassis/poll"
)

type refuseAll struct{}

func (refuseAll) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, auth.ErrInvalidToken
}

// startGateway serves the gateway (the store upstream answering every request) with its access
// lines batched on out, at most delay late; stop ends it and returns serve's error.
func startGateway(t *testing.T, out io.Writer, delay time.Duration) (base string, stop func() error) {
	t.Helper()
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[]}`)
	}))
	t.Cleanup(store.Close)
	env := envconfig.FromMap(map[string]string{"STORE_URL": store.URL, "RATE_LIMIT_PER_IP": "0", "RATE_LIMIT_PER_USER": "0"})
	cfg := readConfig(env)
	if err := env.Err(); err != nil {
		t.Fatal(err)
	}
	cfg.Gateway.Verifier = refuseAll{}
	ln, err := httpserver.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, cfg, slog.New(slog.DiscardHandler), ln, out, delay) }()
	return "http://" + ln.Addr().String(), func() error {
		cancel()
		select {
		case err := <-served:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("the gateway did not stop")
			return nil
		}
	}
}

func get(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
}

func TestAccessLinesHeldInTheBufferAreWrittenOnGracefulShutdown(t *testing.T) {
	t.Parallel()
	out := &logtest.Buffer{}
	base, stop := startGateway(t, out, time.Hour) // no periodic flush: only shutdown writes
	get(t, base+"/api/v1/store/offerings?probe=shutdown")
	if strings.Contains(out.String(), "probe") {
		t.Fatal("the access line was written at once: it is not buffered")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, `"msg":"http request"`) || !strings.Contains(got, `"path":"/api/v1/store/offerings"`) {
		t.Fatalf("after shutdown the access log holds %q", got)
	}
}

func TestAccessLinesAppearWithinTheFlushDelay(t *testing.T) {
	t.Parallel()
	out := &logtest.Buffer{}
	base, stop := startGateway(t, out, 20*time.Millisecond)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	get(t, base+"/api/v1/store/offerings")
	written := func() bool { return strings.Contains(out.String(), `"path":"/api/v1/store/offerings"`) }
	if !poll.Until(5*time.Second, written) {
		t.Fatal("the access line was not written within 5 s (delay 20 ms) while the gateway ran")
	}
}
