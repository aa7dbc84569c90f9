package httpapi

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

func TestHealthDependenciesReportsEveryUpstream(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.ups[routing.Pricing].stop()
	resp := h.do(http.MethodGet, "/health/dependencies", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	rep := decode[DependenciesReport](t, resp)
	if rep.Status != "degraded" || len(rep.Dependencies) != len(routing.Upstreams) {
		t.Fatalf("report %+v", rep)
	}
	for _, name := range routing.Upstreams {
		d := rep.Dependencies[name]
		wantHealthy := name != routing.Pricing
		if (d.Status == "healthy") != wantHealthy || d.Breaker != "closed" || d.URL == "" {
			t.Errorf("%s: %+v", name, d)
		}
	}
	if rep.Dependencies[routing.Pricing].Error == "" {
		t.Error("the down upstream has no error")
	}
}

func TestGatewayHealthIsPublic(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	resp := h.do(http.MethodGet, "/health", nil)
	body := decode[map[string]any](t, resp)
	if resp.StatusCode != http.StatusOK || body["status"] != "ok" || body["service"] != Service {
		t.Fatalf("status %d body %v", resp.StatusCode, body)
	}
}

func TestOpenAPIMergesUpstreamsAndToleratesADownOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.ups[routing.Store].stop()
	resp := h.do(http.MethodGet, "/openapi.json", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	doc := decode[map[string]any](t, resp)
	paths, _ := doc["paths"].(map[string]any)
	for _, want := range []string{"/health", "/health/dependencies", docPath(routing.Identity), docPath(routing.Pricing),
		docPath(routing.Offering), docPath(routing.Characteristic), docPath(routing.Specification)} {
		if _, ok := paths[want]; !ok {
			t.Errorf("path %s missing", want)
		}
	}
	if _, ok := paths[docPath(routing.Store)]; ok {
		t.Error("the down upstream's paths appear")
	}
	if _, ok := paths["/internal/"+routing.Pricing]; ok {
		t.Error("a path the gateway does not route is documented")
	}
	schemas, _ := doc["components"].(map[string]any)["schemas"].(map[string]any)
	if _, ok := schemas["characteristicRead"]; !ok {
		t.Errorf("schemas %v", schemas)
	}
	if un, _ := doc["x-unavailable-upstreams"].([]any); len(un) != 1 || un[0] != routing.Store {
		t.Errorf("x-unavailable-upstreams = %v", doc["x-unavailable-upstreams"])
	}
}

func TestDocsPageIsSelfContained(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	resp := h.do(http.MethodGet, "/docs", nil)
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(page, "/openapi.json") {
		t.Fatal("the page does not load the merged document")
	}
	for _, external := range []string{"<script src", "<link", "http://", "https://", "@import"} {
		if strings.Contains(page, external) {
			t.Errorf("the page references external content (%q)", external)
		}
	}
}
