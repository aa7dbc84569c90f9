package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// ownDoc is the service's own /openapi.json; every answer of an /api route (errors too) must
// be documented there with a matching schema, so the document cannot drift from the code.
type ownDoc struct {
	routes []ownRoute
}

type ownRoute struct {
	pattern *regexp.Regexp
	item    *openapi3.PathItem
	static  bool
}

var templateParam = regexp.MustCompile(`\{[^/]+\}`)

// loadOwnDoc fetches /openapi.json through h and prepares it for checks.
func loadOwnDoc(t *testing.T, h http.Handler) *ownDoc {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.json: status %d", rec.Code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("own openapi.json: %v", err)
	}
	d := &ownDoc{}
	for path, item := range doc.Paths.Map() {
		d.routes = append(d.routes, ownRoute{
			pattern: regexp.MustCompile("^" + templateParam.ReplaceAllString(path, `[^/]+`) + "$"),
			item:    item, static: !strings.Contains(path, "{"),
		})
	}
	// Static paths win over templated ones (/validate before /{id}).
	sort.SliceStable(d.routes, func(i, j int) bool { return d.routes[i].static && !d.routes[j].static })
	return d
}

// check fails the test when status is not documented for the operation or body does not match.
func (d *ownDoc) check(t *testing.T, method, path string, status int, body []byte) {
	t.Helper()
	path, _, _ = strings.Cut(path, "?")
	var op *openapi3.Operation
	for _, r := range d.routes {
		if r.pattern.MatchString(path) {
			if op = r.item.GetOperation(method); op != nil {
				break
			}
		}
	}
	if op == nil {
		t.Fatalf("own openapi.json lacks %s %s", method, path)
	}
	resp := op.Responses.Value(strconv.Itoa(status))
	if resp == nil || resp.Value == nil {
		t.Fatalf("own openapi.json: %s %s does not document status %d", method, path, status)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		if len(strings.TrimSpace(string(body))) != 0 {
			t.Fatalf("own openapi.json: %s %s %d documents no body, got %s", method, path, status, body)
		}
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s %s %d: body is not JSON: %v", method, path, status, err)
	}
	if err := media.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors(),
		openapi3.EnableFormatValidation(), openapi3.EnableJSONSchema2020()); err != nil {
		t.Fatalf("%s %s %d does not match own openapi.json: %v", method, path, status, err)
	}
}
