package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestDocsAndOpenAPIArePublic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.do(http.MethodGet, "/openapi.json", "", nil)
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	if r.Status != http.StatusOK || doc.Paths["/api/v1/offerings/{offering_id}/publish"] == nil {
		t.Fatalf("openapi: %d", r.Status)
	}
	d := e.do(http.MethodGet, "/docs", "", nil)
	body := string(d.Body)
	if d.Status != http.StatusOK || d.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(body, "/api/v1/offerings/{offering_id}/retire") || strings.Contains(body, "<script src=") {
		t.Fatalf("docs: %d %s", d.Status, d.Header)
	}
}
