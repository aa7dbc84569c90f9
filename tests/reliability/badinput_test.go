package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/tests/reliability/internal/api"
)

// bodyRoute is a route that takes a JSON body.
type bodyRoute struct {
	component, method, path string
	valid                   func(f fixture) map[string]any
	strings                 []string // string fields
	ids                     []string // array-of-uuid fields
	required                bool     // {} is invalid
	// also lists statuses a route may answer to a body it cannot act on anyway (a saga step
	// for a saga the offering is not running answers 409 before any length check).
	also []int
}

func bodyRoutes() []bodyRoute {
	char := func(fixture) map[string]any {
		return map[string]any{"name": "bad input char", "value": "1", "unit_of_measure": "Mbps"}
	}
	spec := func(f fixture) map[string]any {
		return map[string]any{"name": "bad input spec", "characteristic_ids": []string{f.charID}}
	}
	price := func(fixture) map[string]any {
		return map[string]any{"name": "bad input price", "value": "5.00", "unit": "month", "currency": "EUR"}
	}
	offer := func(f fixture) map[string]any {
		return map[string]any{"name": "bad input offer", "description": "d", "specification_ids": []string{f.specID},
			"pricing_ids": []string{f.priceID}, "sales_channels": []string{"online"}}
	}
	lock := func(fixture) map[string]any { return map[string]any{"saga_id": "0d3f8c5e-0000-4000-8000-000000000001"} }
	step := func(fixture) map[string]any {
		return map[string]any{"saga_id": "0d3f8c5e-0000-4000-8000-000000000001", "failure_reason": "x"}
	}
	user := func(fixture) map[string]any {
		return map[string]any{"username": "bad input user", "password": "a-long-password-1", "role": "USER"}
	}
	return []bodyRoute{
		{component: "characteristic", method: http.MethodPost, path: "/api/v1/characteristics", valid: char, strings: []string{"name", "value", "unit_of_measure"}, required: true},
		{component: "characteristic", method: http.MethodPut, path: "/api/v1/characteristics/{char}", valid: char, strings: []string{"name", "value", "unit_of_measure"}},
		{component: "specification", method: http.MethodPost, path: "/api/v1/specifications", valid: spec, strings: []string{"name"}, ids: []string{"characteristic_ids"}, required: true},
		{component: "specification", method: http.MethodPut, path: "/api/v1/specifications/{spec}", valid: spec, strings: []string{"name"}, ids: []string{"characteristic_ids"}, required: true},
		{component: "pricing", method: http.MethodPost, path: "/api/v1/prices", valid: price, strings: []string{"name", "unit", "currency"}, required: true},
		{component: "pricing", method: http.MethodPut, path: "/api/v1/prices/{price}", valid: price, strings: []string{"name", "unit", "currency"}, required: true},
		{component: "pricing", method: http.MethodPost, path: "/api/v1/prices/{price}/lock", valid: lock, strings: []string{"saga_id"}, required: true},
		// unlock without saga_id releases every hold of the price (an ADMIN's manual unlock).
		{component: "pricing", method: http.MethodPost, path: "/api/v1/prices/{price}/unlock", valid: lock, strings: []string{"saga_id"}},
		{component: "offering", method: http.MethodPost, path: "/api/v1/offerings", valid: offer, strings: []string{"name", "description"}, ids: []string{"specification_ids", "pricing_ids"}, required: true},
		{component: "offering", method: http.MethodPut, path: "/api/v1/offerings/{offering}", valid: offer, strings: []string{"name", "description"}, ids: []string{"specification_ids", "pricing_ids"}, required: true},
		{component: "offering", method: http.MethodPost, path: "/api/v1/offerings/{offering}/confirm", valid: step, strings: []string{"saga_id", "failure_reason"}, also: []int{http.StatusConflict}},
		{component: "offering", method: http.MethodPost, path: "/api/v1/offerings/{offering}/fail", valid: step, strings: []string{"saga_id", "failure_reason"}, also: []int{http.StatusConflict}},
		{component: "identity", method: http.MethodPost, path: "/api/v1/users", valid: user, strings: []string{"username", "password", "role"}, required: true},
	}
}

// badCase is one malformed request and the statuses that may answer it.
type badCase struct {
	name  string
	ctype string
	body  []byte
	want  []int
}

var (
	invalid  = []int{http.StatusUnprocessableEntity}
	badOrBad = []int{http.StatusBadRequest, http.StatusUnprocessableEntity}
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// injections are strings that must never reach a query as code.
var injections = []string{
	`' OR '1'='1`, `1; DROP TABLE offerings; --`, `{"$ne": null}`, `{"$where": "sleep(1000)"}`, `../../etc/passwd`, "\x00",
}

// casesFor derives the malformed requests of a route from its valid body.
func casesFor(rt bodyRoute, f fixture) []badCase {
	valid := rt.valid(f)
	with := func(k string, v any) []byte {
		b := maps.Clone(valid)
		b[k] = v
		return mustJSON(b)
	}
	cases := []badCase{
		{"malformed JSON", "application/json", []byte(`{"name": "x",`), badOrBad},
		{"a JSON array instead of an object", "application/json", []byte(`[1,2,3]`), badOrBad},
		{"two JSON objects", "application/json", append(mustJSON(valid), mustJSON(valid)...), badOrBad},
		{"an unknown field", "application/json", with("is_admin", true), badOrBad},
		{"a text/plain body", "text/plain", mustJSON(valid), []int{http.StatusUnsupportedMediaType}},
		{"a 3 MiB body", "application/json", with(rt.strings[0], strings.Repeat("A", 3<<20)), []int{http.StatusRequestEntityTooLarge}},
	}
	if rt.required {
		cases = append(cases, badCase{"an empty object", "application/json", []byte(`{}`), invalid},
			badCase{"an empty body", "application/json", nil, badOrBad})
		for _, k := range slices.Sorted(maps.Keys(valid)) {
			b := maps.Clone(valid)
			delete(b, k)
			if k == "description" || k == "sales_channels" || k == "pricing_ids" || k == "specification_ids" {
				continue // optional
			}
			cases = append(cases, badCase{"no " + k, "application/json", mustJSON(b), invalid},
				badCase{k + " null", "application/json", with(k, nil), invalid})
		}
	}
	for _, k := range rt.strings {
		cases = append(cases,
			badCase{k + " as a number", "application/json", with(k, 12345), badOrBad},
			badCase{k + " as a NoSQL operator object", "application/json", with(k, map[string]any{"$gt": ""}), badOrBad},
			badCase{k + " of 100000 characters", "application/json", with(k, strings.Repeat("x", 100000)), []int{http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge}},
		)
	}
	for _, k := range rt.ids {
		cases = append(cases, badCase{k + " as a string", "application/json", with(k, "not-a-list"), badOrBad})
		for i, inj := range injections {
			cases = append(cases, badCase{fmt.Sprintf("%s holding injection %d", k, i), "application/json", with(k, []string{inj}), badOrBad})
		}
		cases = append(cases, badCase{k + " holding a number", "application/json", with(k, []any{42}), badOrBad})
	}
	if _, ok := valid["saga_id"]; ok {
		for i, inj := range injections {
			cases = append(cases, badCase{fmt.Sprintf("saga_id injection %d", i), "application/json", with("saga_id", inj), badOrBad})
		}
	}
	if _, ok := valid["currency"]; ok {
		for _, v := range []any{"-5.00", "-0.01", "0", -5, "abc", "NaN", "Infinity", "1e400", "5.001", "", " 5", "0x10", true} {
			cases = append(cases, badCase{fmt.Sprintf("value %v", v), "application/json", with("value", v), badOrBad})
		}
		for _, v := range []string{"XXX", "eur", "EUR'; DROP TABLE prices; --", `{"$ne":"x"}`} {
			cases = append(cases, badCase{"currency " + v, "application/json", with("currency", v), badOrBad})
		}
	}
	if _, ok := valid["role"]; ok {
		cases = append(cases, badCase{"role SERVICE", "application/json", with("role", "SERVICE"), badOrBad},
			badCase{"role root", "application/json", with("role", "root"), badOrBad})
	}
	return cases
}

// snapshot fingerprints every table a write route may change, plus each outbox's last id, so
// that "nothing changed" can be checked after a series of refused requests.
func snapshot(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	tables := map[string][]string{
		"identity_db":       {"users"},
		"characteristic_db": {"characteristics", "outbox"},
		"specification_db":  {"specifications", "outbox"},
		"pricing_db":        {"prices", "price_holds", "outbox"},
		"offering_db":       {"offerings", "outbox"},
	}
	out := map[string]string{}
	for db, list := range tables {
		conn := dbConn(t, db)
		for _, table := range list {
			var fp string
			q := fmt.Sprintf(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM %s t`, table)
			if table == "outbox" {
				q = `SELECT coalesce(max(id), 0)::text FROM outbox`
			}
			if err := conn.QueryRow(ctx, q).Scan(&fp); err != nil {
				t.Fatalf("fingerprint %s.%s: %v", db, table, err)
			}
			out[db+"."+table] = fp
		}
	}
	return out
}

func diff(before, after map[string]string) []string {
	var out []string
	for k, v := range before {
		if after[k] != v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// checkRefused asserts a 4xx in want with the error envelope.
func checkRefused(t *testing.T, r api.Response, want []int) {
	t.Helper()
	if !slices.Contains(want, r.Status) {
		t.Errorf("status %s, want one of %v", r, want)
		return
	}
	if msg := api.CheckEnvelope(r); msg != "" {
		t.Error(msg)
	}
}

// TestBadBodiesAreRefusedAndChangeNothing sends every malformed body to every write route,
// on the service directly and through the gateway, as ADMIN.
func TestBadBodiesAreRefusedAndChangeNothing(t *testing.T) {
	f := newFixture(t, "bad-input")
	ctx := context.Background()
	for _, target := range []string{"direct", "gateway"} {
		for _, rt := range bodyRoutes() {
			t.Run(fmt.Sprintf("%s %s %s", target, rt.method, rt.path), func(t *testing.T) {
				before := snapshot(t)
				c := direct(rt.component, adminToken)
				if target == "gateway" {
					c = gateway(adminToken)
				}
				for _, bc := range casesFor(rt, f) {
					t.Run("with "+bc.name, func(t *testing.T) {
						r, err := c.Raw(ctx, rt.method, f.expand(rt.path), bc.ctype, bc.body)
						if err != nil {
							t.Fatal(err)
						}
						checkRefused(t, r, append(slices.Clone(bc.want), rt.also...))
					})
				}
				if changed := diff(before, snapshot(t)); len(changed) > 0 {
					t.Errorf("refused requests changed %v", changed)
				}
			})
		}
	}
}

// idRoutes are the routes with an id in the path.
var idRoutes = []struct{ component, method, path string }{
	{"characteristic", http.MethodGet, "/api/v1/characteristics/%s"},
	{"characteristic", http.MethodPut, "/api/v1/characteristics/%s"},
	{"characteristic", http.MethodDelete, "/api/v1/characteristics/%s"},
	{"specification", http.MethodGet, "/api/v1/specifications/%s"},
	{"specification", http.MethodPut, "/api/v1/specifications/%s"},
	{"specification", http.MethodDelete, "/api/v1/specifications/%s"},
	{"pricing", http.MethodGet, "/api/v1/prices/%s"},
	{"pricing", http.MethodPut, "/api/v1/prices/%s"},
	{"pricing", http.MethodDelete, "/api/v1/prices/%s"},
	{"pricing", http.MethodPost, "/api/v1/prices/%s/lock"},
	{"pricing", http.MethodPost, "/api/v1/prices/%s/unlock"},
	{"offering", http.MethodGet, "/api/v1/offerings/%s"},
	{"offering", http.MethodPut, "/api/v1/offerings/%s"},
	{"offering", http.MethodDelete, "/api/v1/offerings/%s"},
	{"offering", http.MethodPost, "/api/v1/offerings/%s/publish"},
	{"offering", http.MethodPost, "/api/v1/offerings/%s/retire"},
	{"offering", http.MethodPost, "/api/v1/offerings/%s/confirm"},
	{"offering", http.MethodPost, "/api/v1/offerings/%s/fail"},
}

// TestInvalidIDsAreRefused sends malformed and injected ids (422) and unknown ones (404).
func TestInvalidIDsAreRefused(t *testing.T) {
	ctx := context.Background()
	badIDs := append([]string{"not-a-uuid", "12345", strings.Repeat("f", 1000), "6f1c0e52-5b7a-4c8e-9a57-0d9a3c1e2b4", "6f1c0e52-5b7a-4c8e-9a57-0d9a3c1e2b44x"}, injections...)
	before := snapshot(t)
	for _, target := range []string{"direct", "gateway"} {
		for _, rt := range idRoutes {
			c := direct(rt.component, adminToken)
			if target == "gateway" {
				c = gateway(adminToken)
			}
			for i, id := range badIDs {
				t.Run(fmt.Sprintf("%s %s %s with bad id %d", target, rt.method, rt.path, i), func(t *testing.T) {
					r, err := c.Raw(ctx, rt.method, fmt.Sprintf(rt.path, url.PathEscape(id)), "application/json", []byte(`{}`))
					if err != nil {
						t.Fatal(err)
					}
					// A path that no longer matches the route (an escaped "/") may answer 404.
					checkRefused(t, r, []int{http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusNotFound})
				})
			}
			t.Run(fmt.Sprintf("%s %s %s with an unknown id", target, rt.method, rt.path), func(t *testing.T) {
				var body []byte
				if rt.method != http.MethodGet && rt.method != http.MethodDelete {
					body = []byte(`{}`)
				}
				r, err := c.Raw(ctx, rt.method, fmt.Sprintf(rt.path, randomID), "application/json", body)
				if err != nil {
					t.Fatal(err)
				}
				// A body check may come first: {} is not a valid update.
				checkRefused(t, r, []int{http.StatusNotFound, http.StatusUnprocessableEntity})
			})
		}
	}
	if changed := diff(before, snapshot(t)); len(changed) > 0 {
		t.Errorf("refused requests changed %v", changed)
	}
}

// TestBadQueryParametersAreRefused checks the list routes' paging and filter parameters.
func TestBadQueryParametersAreRefused(t *testing.T) {
	ctx := context.Background()
	lists := map[string]string{"characteristic": "/api/v1/characteristics", "specification": "/api/v1/specifications",
		"pricing": "/api/v1/prices", "offering": "/api/v1/offerings"}
	bad := []string{"limit=-1", "limit=abc", "limit=1.5", "limit=100000000", "limit=99999999999999999999999",
		"skip=-1", "skip=abc", "skip=99999999999999999999999", "limit=' OR 1=1 --", "skip[$gt]=0&skip=x"}
	for _, comp := range slices.Sorted(maps.Keys(lists)) {
		path := lists[comp]
		queries := bad
		if comp == "offering" {
			queries = append(slices.Clone(bad), "status=BOGUS", "status=' OR '1'='1", "status[$ne]=DRAFT&status=x", "sort=name;DROP")
		}
		for _, q := range queries {
			t.Run(fmt.Sprintf("%s ?%s", path, q), func(t *testing.T) {
				r, err := direct(comp, adminToken).JSON(ctx, http.MethodGet, path+"?"+escapeQuery(q), nil)
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(q, "sort=") {
					// sort is not a parameter of the API: ignored or refused, never a 5xx.
					if r.Status >= 500 {
						t.Fatalf("= %s", r)
					}
					return
				}
				checkRefused(t, r, invalid)
			})
		}
		t.Run(path+" with a huge but valid skip answers an empty page", func(t *testing.T) {
			r, err := direct(comp, adminToken).JSON(ctx, http.MethodGet, path+"?skip=1000000000&limit=5", nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != http.StatusOK {
				t.Fatalf("= %s, want 200", r)
			}
			if strings.Contains(string(r.Body), `"id"`) {
				t.Fatalf("page past the end holds items: %.300s", r.Body)
			}
		})
	}
}

// TestLoginBadInput sends malformed login and token requests to identity.
func TestLoginBadInput(t *testing.T) {
	ctx := context.Background()
	c := direct("identity", "")
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name, path, ctype, body string
		want                    []int
	}{
		{"login without a password", "/api/v1/auth/login", form, "username=admin", invalid},
		{"login with an empty body", "/api/v1/auth/login", form, "", invalid},
		{"login with malformed JSON", "/api/v1/auth/login", "application/json", `{"username":`, badOrBad},
		{"login with an unknown JSON field", "/api/v1/auth/login", "application/json", `{"username":"a","password":"b","admin":true}`, badOrBad},
		{"login with a username as a number", "/api/v1/auth/login", "application/json", `{"username":1,"password":"b"}`, badOrBad},
		{"login with an XML body", "/api/v1/auth/login", "application/xml", `<a/>`, []int{http.StatusUnsupportedMediaType}},
		{"login with a 2 MiB username", "/api/v1/auth/login", form, "username=" + strings.Repeat("a", 2<<20) + "&password=x", []int{http.StatusRequestEntityTooLarge}},
		{"login with a 2000-character username", "/api/v1/auth/login", form, "username=" + strings.Repeat("a", 2000) + "&password=x", []int{http.StatusUnprocessableEntity, http.StatusUnauthorized}},
		{"login with a NoSQL operator", "/api/v1/auth/login", "application/json", `{"username":{"$ne":""},"password":{"$ne":""}}`, badOrBad},
		{"login with an SQL injection", "/api/v1/auth/login", form, "username=admin'--&password=x", []int{http.StatusUnauthorized}},
		{"token with a bad grant type", "/api/v1/auth/token", form, "grant_type=password&client_id=pricing&client_secret=x", invalid},
		{"token without a grant type", "/api/v1/auth/token", form, "client_id=pricing&client_secret=x", invalid},
		{"token with a wrong secret", "/api/v1/auth/token", form, "grant_type=client_credentials&client_id=pricing&client_secret=nope", []int{http.StatusUnauthorized}},
	}
	before := snapshot(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Raw(ctx, http.MethodPost, tc.path, tc.ctype, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			checkRefused(t, r, tc.want)
		})
	}
	if changed := diff(before, snapshot(t)); len(changed) > 0 {
		t.Errorf("refused requests changed %v", changed)
	}
}

// TestBadStoreQueriesAreRefused checks the public store's search and list parameters.
func TestBadStoreQueriesAreRefused(t *testing.T) {
	ctx := context.Background()
	bad := []string{"limit=-1", "limit=abc", "limit=100000", "skip=-1", "skip=99999999999999999999999", "skip=100000000",
		"sort=bogus", "sort=name;DROP TABLE x", "min_price=-1", "min_price=abc", "max_price=NaN", "min_price=10&max_price=1",
		"q=" + strings.Repeat("a", 5000), "channel=" + strings.Repeat("c", 5000),
		"characteristic=" + strings.Repeat("k", 5000), "characteristic=" + `{"$where":"1"}`, "characteristic=speed:' OR '1'='1"}
	for _, path := range []string{"/api/v1/store/search", "/api/v1/store/offerings"} {
		for _, q := range bad {
			literal := strings.HasPrefix(q, "characteristic={") || strings.HasPrefix(q, "characteristic=speed")
			t.Run(fmt.Sprintf("%s ?%.60s", path, q), func(t *testing.T) {
				for _, c := range []*api.Client{direct("store-query", ""), gateway("")} {
					r, err := c.JSON(ctx, http.MethodGet, path+"?"+escapeQuery(q), nil)
					if err != nil {
						t.Fatal(err)
					}
					if literal && r.Status == http.StatusOK {
						// Taken as a literal filter value: it must match nothing.
						if strings.Contains(string(r.Body), `"id"`) {
							t.Errorf("an injection string used as a filter matched offerings: %.300s", r.Body)
						}
						continue
					}
					checkRefused(t, r, invalid)
				}
			})
		}
	}
	for i, id := range append([]string{"not-a-uuid", strings.Repeat("f", 1000)}, injections...) {
		t.Run(fmt.Sprintf("store offering with bad id %d", i), func(t *testing.T) {
			r, err := direct("store-query", "").JSON(ctx, http.MethodGet, "/api/v1/store/offerings/"+url.PathEscape(id), nil)
			if err != nil {
				t.Fatal(err)
			}
			checkRefused(t, r, []int{http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusNotFound})
		})
	}
}

// escapeQuery percent-encodes the values of a raw "k=v&k2=v2" query, keeping the keys as
// written (they may hold brackets on purpose).
func escapeQuery(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		parts[i] = k + "=" + url.QueryEscape(v)
	}
	return strings.Join(parts, "&")
}

var dbConns = map[string]*pgx.Conn{}

// dbConn returns a kept connection to one of the stack's databases, waiting (bounded) for a
// free slot on the shared server.
func dbConn(t *testing.T, db string) *pgx.Conn {
	t.Helper()
	if c := dbConns[db]; c != nil && !c.IsClosed() {
		return c
	}
	var conn *pgx.Conn
	eventually(t, time.Minute, func() string {
		c, err := pgx.Connect(context.Background(), run.Stack.DatabaseURL(db))
		if err != nil {
			return err.Error()
		}
		conn = c
		return ""
	})
	dbConns[db] = conn
	return conn
}

func closeDBConns() {
	for db, c := range dbConns {
		c.Close(context.Background())
		delete(dbConns, db)
	}
}
