package elastic_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// fakeES is an httptest server speaking the small part of the Elasticsearch 8 API the adapter
// uses. It checks request bodies strictly (unknown query constructs are a 400, as a real
// cluster would answer), evaluates queries over its in-memory documents and answers with
// Elasticsearch-shaped bodies and the X-Elastic-Product header the client insists on.
type fakeES struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	indices map[string]map[string]map[string]any // index → id → source
	bodies  []string                             // search request bodies, for assertions
	down    bool
}

func newFakeES(t *testing.T) *fakeES {
	f := &fakeES{t: t, indices: map[string]map[string]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeES) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *fakeES) reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if body != nil {
		_ = json.NewEncoder(w).Encode(body)
	}
}

func (f *fakeES) fail(w http.ResponseWriter, status int, typ, reason string) {
	f.reply(w, status, map[string]any{"error": map[string]any{"type": typ, "reason": reason}, "status": status})
}

var indexPath = regexp.MustCompile(`^/([^/_][^/]*)(/_bulk|/_search)?$`)

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		f.fail(w, http.StatusServiceUnavailable, "cluster_block_exception", "fake cluster is down")
		return
	}
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path == "/" {
		f.reply(w, http.StatusOK, map[string]any{"version": map[string]any{"number": "8.19.7"}, "tagline": "You Know, for Search"})
		return
	}
	if r.URL.Path == "/_bulk" {
		f.bulk(w, r, "", body)
		return
	}
	m := indexPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		f.fail(w, http.StatusBadRequest, "fake_unsupported", r.Method+" "+r.URL.Path)
		return
	}
	index, op := m[1], m[2]
	switch {
	case op == "" && r.Method == http.MethodHead:
		status := http.StatusNotFound
		if _, ok := f.indices[index]; ok {
			status = http.StatusOK
		}
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.WriteHeader(status)
	case op == "" && r.Method == http.MethodPut:
		if _, ok := f.indices[index]; ok {
			f.fail(w, http.StatusBadRequest, "resource_already_exists_exception", "index exists")
			return
		}
		if err := checkMapping(body); err != nil {
			f.fail(w, http.StatusBadRequest, "mapper_parsing_exception", err.Error())
			return
		}
		f.indices[index] = map[string]map[string]any{}
		f.reply(w, http.StatusOK, map[string]any{"acknowledged": true, "index": index})
	case op == "" && r.Method == http.MethodDelete:
		if _, ok := f.indices[index]; !ok {
			f.fail(w, http.StatusNotFound, "index_not_found_exception", index)
			return
		}
		delete(f.indices, index)
		f.reply(w, http.StatusOK, map[string]any{"acknowledged": true})
	case op == "/_bulk":
		f.bulk(w, r, index, body)
	case op == "/_search":
		f.bodies = append(f.bodies, string(body))
		f.search(w, index, body)
	default:
		f.fail(w, http.StatusBadRequest, "fake_unsupported", r.Method+" "+r.URL.Path)
	}
}

// checkMapping insists on the explicit mapping the issue asks for.
func checkMapping(body []byte) error {
	var m struct {
		Mappings struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"mappings"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	want := map[string]string{
		"name": "text", "description": "text", "characteristic_text": "text", "price_from": "scaled_float",
		"sales_channels": "keyword", "characteristic_pairs": "keyword", "published_at": "date", "id": "keyword",
	}
	for field, typ := range want {
		p := m.Mappings.Properties[field]
		if p["type"] != typ {
			return fmt.Errorf("field %s has type %v, want %s", field, p["type"], typ)
		}
		if typ == "text" && p["analyzer"] == nil {
			return fmt.Errorf("text field %s has no analyzer", field)
		}
	}
	return nil
}

func (f *fakeES) bulk(w http.ResponseWriter, r *http.Request, index string, body []byte) {
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		f.fail(w, http.StatusNotAcceptable, "media_type_header_exception", "bulk needs a JSON content type, got "+ct)
		return
	}
	var items []any
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(line, &action); err != nil || len(action) != 1 {
			f.fail(w, http.StatusBadRequest, "action_request_validation_exception", "bad action line")
			return
		}
		for name, meta := range action {
			idx := meta.Index
			if idx == "" {
				idx = index
			}
			docs, ok := f.indices[idx]
			switch name {
			case "index":
				if !sc.Scan() {
					f.fail(w, http.StatusBadRequest, "action_request_validation_exception", "index without source")
					return
				}
				var src map[string]any
				if err := json.Unmarshal(sc.Bytes(), &src); err != nil {
					f.fail(w, http.StatusBadRequest, "mapper_parsing_exception", err.Error())
					return
				}
				if !ok {
					items = append(items, map[string]any{"index": map[string]any{"_id": meta.ID, "status": 404,
						"error": map[string]any{"type": "index_not_found_exception", "reason": idx}}})
					continue
				}
				docs[meta.ID] = src
				items = append(items, map[string]any{"index": map[string]any{"_index": idx, "_id": meta.ID, "status": 201, "result": "created"}})
			case "delete":
				status, result := 200, "deleted"
				if _, exists := docs[meta.ID]; !exists {
					status, result = 404, "not_found"
				}
				delete(docs, meta.ID)
				items = append(items, map[string]any{"delete": map[string]any{"_index": idx, "_id": meta.ID, "status": status, "result": result}})
			default:
				f.fail(w, http.StatusBadRequest, "action_request_validation_exception", "unsupported action "+name)
				return
			}
		}
	}
	errs := false
	for _, it := range items {
		for _, v := range it.(map[string]any) {
			if _, bad := v.(map[string]any)["error"]; bad {
				errs = true
			}
		}
	}
	f.reply(w, http.StatusOK, map[string]any{"took": 1, "errors": errs, "items": items})
}

// searchRequest is exactly the subset the adapter may send; anything else is rejected.
type searchRequest struct {
	From           int                      `json:"from"`
	Size           int                      `json:"size"`
	TrackTotalHits bool                     `json:"track_total_hits"`
	Source         []string                 `json:"_source"`
	Query          struct{ Bool boolQuery } `json:"query"`
	Sort           []map[string]struct {
		Order string `json:"order"`
	} `json:"sort"`
	Aggs map[string]struct {
		Terms *struct {
			Field string `json:"field"`
			Size  int    `json:"size"`
		} `json:"terms"`
		Range *struct {
			Field  string `json:"field"`
			Ranges []struct {
				Key  string   `json:"key"`
				From *float64 `json:"from"`
				To   *float64 `json:"to"`
			} `json:"ranges"`
		} `json:"range"`
	} `json:"aggs"`
}

type boolQuery struct {
	Must []struct {
		MultiMatch struct {
			Query  string   `json:"query"`
			Type   string   `json:"type"`
			Fields []string `json:"fields"`
		} `json:"multi_match"`
	} `json:"must"`
	Filter []struct {
		Range map[string]struct {
			Gte *float64 `json:"gte"`
			Lte *float64 `json:"lte"`
		} `json:"range"`
		Term map[string]string `json:"term"`
	} `json:"filter"`
}

func (q *searchRequest) UnmarshalJSON(b []byte) error {
	type plain searchRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(q))
}

var tokenRE = regexp.MustCompile(`[\p{L}\p{N}]+`)

func tokens(v any) []string {
	var parts []string
	switch x := v.(type) {
	case string:
		parts = []string{x}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				parts = append(parts, s)
			}
		}
	}
	var out []string
	for _, p := range parts {
		out = append(out, tokenRE.FindAllString(strings.ToLower(p), -1)...)
	}
	return out
}

func hasValue(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return x == want
	case []any:
		for _, e := range x {
			if e == want {
				return true
			}
		}
	}
	return false
}

type hit struct {
	id    string
	score float64
	src   map[string]any
}

func (f *fakeES) search(w http.ResponseWriter, index string, body []byte) {
	docs, ok := f.indices[index]
	if !ok {
		f.fail(w, http.StatusNotFound, "index_not_found_exception", index)
		return
	}
	var req searchRequest
	if err := json.Unmarshal(body, &req); err != nil {
		f.fail(w, http.StatusBadRequest, "parsing_exception", err.Error())
		return
	}
	var hits []hit
	for id, src := range docs {
		score, ok := matches(req.Query.Bool, src)
		if ok {
			hits = append(hits, hit{id: id, score: score, src: src})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return less(req, hits[i], hits[j]) })
	aggs := map[string]any{}
	for name, a := range req.Aggs {
		switch {
		case a.Terms != nil:
			counts := map[string]int{}
			for _, h := range hits {
				seen := map[string]bool{}
				if arr, ok := h.src[a.Terms.Field].([]any); ok {
					for _, e := range arr {
						if s, ok := e.(string); ok && !seen[s] {
							seen[s] = true
							counts[s]++
						}
					}
				}
			}
			var buckets []map[string]any
			for k, n := range counts {
				buckets = append(buckets, map[string]any{"key": k, "doc_count": n})
			}
			sort.Slice(buckets, func(i, j int) bool {
				if buckets[i]["doc_count"] != buckets[j]["doc_count"] {
					return buckets[i]["doc_count"].(int) > buckets[j]["doc_count"].(int)
				}
				return buckets[i]["key"].(string) < buckets[j]["key"].(string)
			})
			if len(buckets) > a.Terms.Size {
				buckets = buckets[:a.Terms.Size]
			}
			aggs[name] = map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": buckets}
		case a.Range != nil:
			var buckets []map[string]any
			for _, r := range a.Range.Ranges {
				n := 0
				for _, h := range hits {
					v, _ := h.src[a.Range.Field].(float64)
					if (r.From == nil || v >= *r.From) && (r.To == nil || v < *r.To) {
						n++
					}
				}
				b := map[string]any{"key": r.Key, "doc_count": n}
				if r.From != nil {
					b["from"] = *r.From
				}
				if r.To != nil {
					b["to"] = *r.To
				}
				buckets = append(buckets, b)
			}
			aggs[name] = map[string]any{"buckets": buckets}
		default:
			f.fail(w, http.StatusBadRequest, "parsing_exception", "unsupported aggregation "+name)
			return
		}
	}
	total := len(hits)
	from, to := min(req.From, total), min(req.From+req.Size, total)
	out := []any{}
	for _, h := range hits[from:to] {
		src := map[string]any{}
		for _, f := range req.Source {
			if v, ok := h.src[f]; ok {
				src[f] = v
			}
		}
		out = append(out, map[string]any{"_index": index, "_id": h.id, "_score": h.score, "_source": src})
	}
	f.reply(w, http.StatusOK, map[string]any{
		"took": 1, "timed_out": false,
		"_shards":      map[string]any{"total": 1, "successful": 1, "skipped": 0, "failed": 0},
		"hits":         map[string]any{"total": map[string]any{"value": total, "relation": "eq"}, "max_score": nil, "hits": out},
		"aggregations": aggs,
	})
}

// matches evaluates the bool query; the score is best_fields: the best boosted count of
// query words found in one field.
func matches(q boolQuery, src map[string]any) (float64, bool) {
	for _, fl := range q.Filter {
		for field, r := range fl.Range {
			v, _ := src[field].(float64)
			if (r.Gte != nil && v < *r.Gte) || (r.Lte != nil && v > *r.Lte) {
				return 0, false
			}
		}
		for field, want := range fl.Term {
			if !hasValue(src[field], want) {
				return 0, false
			}
		}
	}
	score := 1.0
	for _, m := range q.Must {
		best := 0.0
		words := tokens(m.MultiMatch.Query)
		for _, spec := range m.MultiMatch.Fields {
			field, boost := spec, 1.0
			if name, b, ok := strings.Cut(spec, "^"); ok {
				field = name
				fmt.Sscanf(b, "%g", &boost)
			}
			have := map[string]bool{}
			for _, tok := range tokens(src[field]) {
				have[tok] = true
			}
			n := 0
			for _, wd := range words {
				if have[wd] {
					n++
				}
			}
			best = math.Max(best, boost*float64(n))
		}
		if best == 0 {
			return 0, false
		}
		score = best
	}
	return score, true
}

func less(req searchRequest, a, b hit) bool {
	for _, clause := range req.Sort {
		for field, o := range clause {
			var c int
			if field == "_score" {
				c = cmpFloat(a.score, b.score)
			} else {
				c = cmpAny(a.src[field], b.src[field])
			}
			if o.Order == "desc" {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
	}
	return false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func cmpAny(x, y any) int {
	switch xv := x.(type) {
	case float64:
		yv, _ := y.(float64)
		return cmpFloat(xv, yv)
	case string:
		yv, _ := y.(string)
		return strings.Compare(xv, yv)
	}
	return 0
}
