package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
)

type searchBody struct {
	Items []struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		Description    string `json:"description"`
		Specifications []struct {
			Characteristics []struct{ Name, Value, Unit string } `json:"characteristics"`
		} `json:"specifications"`
		Pricing []struct {
			Value    float64 `json:"value"`
			Currency string  `json:"currency"`
		} `json:"pricing"`
		SalesChannels []string `json:"sales_channels"`
		PublishedAt   *string  `json:"published_at"`
	} `json:"items"`
	Total  int `json:"total"`
	Skip   int `json:"skip"`
	Limit  int `json:"limit"`
	Facets struct {
		PriceRanges []struct {
			Key   string `json:"key"`
			Count int    `json:"count"`
		} `json:"price_ranges"`
		Channels []struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"channels"`
		Characteristics []struct {
			Name   string `json:"name"`
			Values []struct {
				Value string `json:"value"`
				Count int    `json:"count"`
			} `json:"values"`
		} `json:"characteristics"`
	} `json:"facets"`
}

func TestSearchReturnsThePageTheTotalAndFacets(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	r := f.get(t, "/api/v1/store/search?q=fiber&sort=relevance&limit=2")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.header.Get("X-Search-Degraded") != "" {
		t.Fatal("healthy search reported as degraded")
	}
	b := decode[searchBody](t, r.body)
	if b.Total != 3 || len(b.Items) != 2 || b.Limit != 2 || b.Skip != 0 {
		t.Fatalf("total %d items %d limit %d", b.Total, len(b.Items), b.Limit)
	}
	if b.Items[0].ID == f.ids["o2"] || b.Items[1].ID == f.ids["o2"] {
		t.Fatal("a description match outranked name matches")
	}
	it := b.Items[0]
	if len(it.Pricing) != 1 || it.Pricing[0].Currency != "USD" || len(it.Specifications[0].Characteristics) != 1 || it.PublishedAt == nil {
		t.Fatalf("item lacks the reference fields: %s", r.body)
	}
	if len(b.Facets.Channels) == 0 || len(b.Facets.PriceRanges) == 0 || len(b.Facets.Characteristics) == 0 {
		t.Fatalf("facets missing: %s", r.body)
	}
}

func TestSearchFiltersCombine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	q := url.Values{"min_price": {"20"}, "max_price": {"100"}, "channel": {"online"}, "characteristic": {"Speed:1000"}}
	b := decode[searchBody](t, f.get(t, "/api/v1/store/search?"+q.Encode()).body)
	if b.Total != 1 || b.Items[0].ID != f.ids["o1"] {
		t.Fatalf("got %d items: %+v", b.Total, b.Items)
	}
}

func TestPreCreatedDocumentsAreInvisible(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	if r := f.get(t, "/api/v1/store/offerings/"+f.invisible); r.status != http.StatusNotFound {
		t.Fatalf("invisible document answered %d", r.status)
	}
	b := decode[searchBody](t, f.get(t, "/api/v1/store/search?q=hidden").body)
	if b.Total != 0 {
		t.Fatalf("invisible document found by search: %+v", b.Items)
	}
}

func TestListAnswersABareArrayWithTheTotalInAHeader(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	r := f.get(t, "/api/v1/store/offerings?query=fiber&skip=0&limit=10")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var items []map[string]any
	if err := json.Unmarshal(r.body, &items); err != nil {
		t.Fatalf("not an array: %s", r.body)
	}
	if len(items) != 3 || r.header.Get("X-Total-Count") != "3" {
		t.Fatalf("%d items, X-Total-Count %q", len(items), r.header.Get("X-Total-Count"))
	}
	for _, k := range []string{"id", "name", "description", "specifications", "pricing", "sales_channels", "published_at"} {
		if _, ok := items[0][k]; !ok {
			t.Errorf("item lacks %q", k)
		}
	}
	all := f.get(t, "/api/v1/store/offerings")
	if err := json.Unmarshal(all.body, &items); err != nil || len(items) != 5 {
		t.Fatalf("unfiltered list has %d items (%v)", len(items), err)
	}
	if items[0]["id"] != f.ids["o5"] {
		t.Fatalf("list is not newest first: %v", items[0]["id"])
	}
}

func TestGetOffering(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		name   string
		id     string
		status int
		code   string
	}{
		{"a published offering is returned", f.ids["o3"], http.StatusOK, ""},
		{"an unknown offering is not found", "7b0c59e2-5b51-4bb1-9d55-5d8a3c3d8f00", http.StatusNotFound, "NOT_FOUND"},
		{"an id that is not a UUID is a validation error", "not-a-uuid", http.StatusUnprocessableEntity, "VALIDATION_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, "/api/v1/store/offerings/"+tt.id)
			if r.status != tt.status {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if tt.code != "" {
				e := decode[errorBody](t, r.body)
				if e.Error.Code != tt.code || e.Error.CorrelationID == "" {
					t.Fatalf("envelope %s", r.body)
				}
				return
			}
			o := decode[map[string]any](t, r.body)
			if o["id"] != tt.id || o["name"] != "Mobile Unlimited" {
				t.Fatalf("body %s", r.body)
			}
		})
	}
}

func TestBadParametersAreValidationErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		name, query, field string
	}{
		{"a negative limit", "limit=-1", "limit"},
		{"a zero limit", "limit=0", "limit"},
		{"a limit above the maximum", "limit=1001", "limit"},
		{"a negative skip", "skip=-5", "skip"},
		{"a non-numeric limit", "limit=ten", "limit"},
		{"a non-numeric minimum price", "min_price=cheap", "min_price"},
		{"a non-numeric maximum price", "max_price=1e999", "max_price"},
		{"a negative price", "min_price=-3", "min_price"},
		{"a minimum above the maximum", "min_price=50&max_price=10", "min_price"},
		{"a characteristic filter without a colon", "characteristic=Speed", "characteristic"},
		{"a characteristic filter without a value", "characteristic=Speed:", "characteristic"},
		{"an unknown sort", "sort=cheapest", "sort"},
	}
	for _, route := range []string{"/api/v1/store/search", "/api/v1/store/offerings"} {
		for _, tt := range tests {
			t.Run(route+": "+tt.name, func(t *testing.T) {
				r := f.get(t, route+"?"+tt.query)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				e := decode[errorBody](t, r.body)
				var fields []string
				for _, d := range e.Error.Details {
					fields = append(fields, d.Field)
				}
				if e.Error.Code != "VALIDATION_ERROR" || !slices.Contains(fields, tt.field) {
					t.Fatalf("envelope %s, want field %s", r.body, tt.field)
				}
			})
		}
	}
}

func TestSearchDegradesToMongoDBWhenTheEngineIsDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(*bleve.Index) app.Searcher { return failing{} })
	r := f.get(t, "/api/v1/store/search?q=fiber&channel=partner")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := r.header.Get("X-Search-Degraded"); got != "mongodb" {
		t.Fatalf("X-Search-Degraded = %q", got)
	}
	b := decode[searchBody](t, r.body)
	if b.Total != 1 || b.Items[0].ID != f.ids["o4"] || len(b.Facets.Channels) != 1 {
		t.Fatalf("degraded answer %s", r.body)
	}
	list := f.get(t, "/api/v1/store/offerings?limit=2")
	if list.status != http.StatusOK || list.header.Get("X-Search-Degraded") != "mongodb" || list.header.Get("X-Total-Count") != "5" {
		t.Fatalf("degraded list: %d %v", list.status, list.header)
	}
	h := f.get(t, "/health")
	if h.status != http.StatusOK || !strings.Contains(string(h.body), `"search":{"status":"down"`) ||
		!strings.Contains(string(h.body), `"mongodb":{"status":"up"}`) {
		t.Fatalf("health %d %s", h.status, h.body)
	}
	if r := f.get(t, "/health/ready"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("ready with the engine down = %d", r.status)
	}
}

func TestServiceDocuments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		name, path, contains string
	}{
		{"health reports both dependencies up", "/health", `"mongodb":{"status":"up"}`},
		{"readiness is ok", "/health/ready", `"status":"ok"`},
		{"the OpenAPI document describes the search route", "/openapi.json", `"/api/v1/store/search"`},
		{"the docs page lists the routes", "/docs", "/api/v1/store/offerings/{offering_id}"},
		{"metrics are exposed", "/metrics", "# HELP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.path)
			if r.status != http.StatusOK || !strings.Contains(string(r.body), tt.contains) {
				t.Fatalf("%d %.300s", r.status, r.body)
			}
		})
	}
}
