package apidocs_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/chassis/apidocs"
)

const sampleDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "Widgets <b>service</b>", "version": "1.2.3", "description": "Sells widgets & gadgets"},
  "paths": {
    "/api/v1/widgets/{widget_id}": {
      "parameters": [{"name": "widget_id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "get": {"summary": "Read a widget", "x-roles": ["ADMIN"], "security": [{"bearer": []}],
        "parameters": [{"name": "widget_id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"404": {"description": "no such widget"}, "200": {"description": "the widget"}}},
      "delete": {"summary": "Delete <script>alert(1)</script>", "responses": {"204": {"description": "gone"}}}
    },
    "/api/v1/widgets": {
      "post": {"summary": "Create a widget",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}},
        "responses": {"201": {"description": "created"}}}
    }
  },
  "components": {"schemas": {"Widget": {"type": "object", "properties": {"name": {"type": "string"}}}}}
}`

func serve(t *testing.T, doc string) chi.Router {
	t.Helper()
	r := chi.NewRouter()
	if err := apidocs.Mount(r, "widgets", []byte(doc)); err != nil {
		t.Fatalf("mount: %v", err)
	}
	return r
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestOpenAPIJSONIsServedUnchanged(t *testing.T) {
	t.Parallel()
	rec := get(serve(t, sampleDoc), "/openapi.json")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != sampleDoc {
		t.Fatalf("status %d, type %q, body %.80s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}

func TestDocsPage(t *testing.T) {
	t.Parallel()
	rec := get(serve(t, sampleDoc), "/docs")
	page := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("content security policy %q", csp)
	}
	tests := []struct {
		name string
		want bool
		text string
	}{
		{"the page lists a templated route", true, "<code>/api/v1/widgets/{widget_id}</code>"},
		{"the page lists a static route", true, "<code>/api/v1/widgets</code>"},
		{"the page shows each method", true, ">DELETE</span>"},
		{"the page shows every documented status", true, "<b>404</b> no such widget"},
		{"the page shows the roles", true, "roles: ADMIN"},
		{"the page marks secured operations", true, "bearer token"},
		{"the page shows the request body schema", true, "#/components/schemas/Widget"},
		{"the page lists the component schemas", true, "<summary>Widget</summary>"},
		{"the page links the machine-readable document", true, `href="/openapi.json"`},
		{"the title is escaped", true, "Widgets &lt;b&gt;service&lt;/b&gt;"},
		{"the description is escaped", true, "widgets &amp; gadgets"},
		{"markup from the document is never emitted", false, "<script>alert(1)</script>"},
		{"the page has no script at all", false, "<script"},
		{"the page loads nothing from elsewhere", false, "https://"},
		{"path-level parameters are not taken for an operation", false, ">PARAMETERS<"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if strings.Contains(page, tt.text) != tt.want {
				t.Fatalf("page contains %q = %v, want %v\n%s", tt.text, !tt.want, tt.want, page)
			}
		})
	}
	if getAt, delAt := strings.Index(page, ">GET</span>"), strings.Index(page, ">DELETE</span>"); delAt > getAt || getAt < 0 {
		t.Fatalf("operations of a path are not sorted by method (DELETE at %d, GET at %d)", delAt, getAt)
	}
	if ok, nok := strings.Index(page, "<b>200</b>"), strings.Index(page, "<b>404</b>"); ok < 0 || ok > nok {
		t.Fatal("responses are not sorted by status")
	}
}

func TestDocsTitleFallsBackToTheServiceName(t *testing.T) {
	t.Parallel()
	page := get(serve(t, `{"openapi":"3.1.0","info":{},"paths":{}}`), "/docs").Body.String()
	if !strings.Contains(page, "<title>widgets API</title>") {
		t.Fatalf("title missing:\n%s", page)
	}
}

func TestMountRejectsADocumentThatIsNotJSON(t *testing.T) {
	t.Parallel()
	if err := apidocs.Mount(chi.NewRouter(), "widgets", []byte("{not json")); err == nil {
		t.Fatal("a broken document was accepted")
	}
}

func TestMustMountPanicsOnADocumentThatIsNotJSON(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("a broken embedded document did not panic")
		}
	}()
	apidocs.MustMount(chi.NewRouter(), "widgets", []byte("{not json"))
}
