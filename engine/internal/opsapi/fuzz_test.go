package opsapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/engine/internal/engine"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

// recorder is an Engine that remembers what the handler asked for.
type recorder struct {
	filter   *engine.InstanceFilter
	key      int64
	incState *string
}

func (e *recorder) Definitions(context.Context) ([]engine.DefinitionInfo, error) { return nil, nil }
func (e *recorder) DefinitionXML(_ context.Context, k int64) (string, error) {
	e.key = k
	return "<x/>", nil
}
func (e *recorder) Instances(_ context.Context, f engine.InstanceFilter) ([]engine.InstanceSummary, int, error) {
	e.filter = &f
	return nil, 0, nil
}
func (e *recorder) Instance(_ context.Context, k int64) (engine.InstanceDetail, error) {
	e.key = k
	return engine.InstanceDetail{}, nil
}
func (e *recorder) Incidents(_ context.Context, state string) ([]engine.Incident, error) {
	e.incState = &state
	return nil, nil
}
func (e *recorder) CancelInstance(context.Context, int64) error        { return nil }
func (e *recorder) ResolveIncident(context.Context, int64, bool) error { return nil }

// FuzzQueryParams drives the instance and incident lists and the instance route with
// arbitrary queries and keys: the answer is 200 or the 422 validation envelope (never a 500),
// and whatever reaches the engine is within the documented bounds: state one of the listed
// values, limit 1..500 (default 50), offset >= 0, key > 0, as the request wrote them.
func FuzzQueryParams(f *testing.F) {
	for _, s := range [][2]string{
		{"", "1"}, {"state=ACTIVE&limit=500&offset=0&bpmn_process_id=publish-offering", "42"},
		{"state=active", "0"}, {"state=RESOLVED", "-1"}, {"limit=0&offset=-1", "x"},
		{"limit=501", "9223372036854775808"}, {"limit=abc&offset=1e3", "+7"},
		{"offset=99999999999999999999", "0x10"}, {"state=ACTIVE&state=BOGUS", "١"},
		{"limit=%zz", ""}, {"bpmn_process_id=%27%20OR%201%3D1", "1%2F2"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, query, key string) {
		eng := &recorder{}
		r := chi.NewRouter()
		New(eng, slog.New(slog.NewTextHandler(io.Discard, nil))).Mount(r)
		q, _ := url.ParseQuery(query)

		res := serve(r, "/api/instances", query)
		if checkAnswer(t, res) {
			f := eng.filter
			switch {
			case f == nil:
				t.Fatalf("%q: 200 without asking the engine", query)
			case f.State != q.Get("state") || f.ProcessID != q.Get("bpmn_process_id"):
				t.Fatalf("%q: filter %+v", query, *f)
			case f.State != "" && f.State != "ACTIVE" && f.State != "COMPLETED" && f.State != "CANCELED":
				t.Fatalf("%q: state %q reached the engine", query, f.State)
			case f.Limit < 1 || f.Limit > 500 || f.Offset < 0:
				t.Fatalf("%q: limit %d offset %d reached the engine", query, f.Limit, f.Offset)
			case q.Get("limit") == "" && f.Limit != 50, q.Get("limit") != "" && !reads(q.Get("limit"), f.Limit):
				t.Fatalf("%q: limit %d", query, f.Limit)
			}
		}

		res = serve(r, "/api/incidents", query)
		if checkAnswer(t, res) {
			if s := *eng.incState; s != "" && s != "ACTIVE" && s != "RESOLVED" {
				t.Fatalf("%q: incident state %q reached the engine", query, s)
			}
		}

		res = serve(r, "/api/instances/"+url.PathEscape(key), "")
		switch {
		case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed:
			// the key did not make a route of its own (empty, or a path of several segments)
		case checkAnswer(t, res):
			if n, err := strconv.ParseInt(key, 10, 64); eng.key < 1 || err != nil || n != eng.key {
				t.Fatalf("key %q reached the engine as %d", key, eng.key)
			}
		}
	})
}

// reads reports whether s reads as n.
func reads(s string, n int) bool {
	m, err := strconv.Atoi(s)
	return err == nil && m == n
}

func serve(h http.Handler, path, query string) *http.Response {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.URL.Path, r.URL.RawPath, r.URL.RawQuery = "", "", query
	if u, err := url.Parse(path); err == nil {
		r.URL.Path, r.URL.RawPath = u.Path, u.RawPath
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

// checkAnswer reports true for a 200 and false for the 422 validation envelope; anything else
// fails the test.
func checkAnswer(t *testing.T, res *http.Response) bool {
	t.Helper()
	if res.StatusCode == http.StatusOK {
		return true
	}
	var env apierror.Envelope
	if res.StatusCode != http.StatusUnprocessableEntity || json.NewDecoder(res.Body).Decode(&env) != nil ||
		env.Error.Code != apierror.CodeValidation {
		t.Fatalf("status %d, code %q: want 200 or 422 %s", res.StatusCode, env.Error.Code, apierror.CodeValidation)
	}
	return false
}
