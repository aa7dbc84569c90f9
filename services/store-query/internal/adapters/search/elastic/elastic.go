// Package elastic is the Elasticsearch 8 search adapter (go-elasticsearch/v8): an index with an
// explicit mapping (English-analysed text, keyword facets, scaled_float price, date), bulk
// indexing, bool queries, sorting, paging and aggregations for the facets.
package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Field names in the index.
const (
	fID          = "id"
	fName        = "name"
	fDescription = "description"
	fCharText    = "characteristic_text"
	fNameSort    = "name_sort"
	fPrice       = "price_from"
	fChannels    = "sales_channels"
	fPairs       = "characteristic_pairs"
	fPublished   = "published_at"
	fDoc         = "doc"
)

// Config configures the adapter.
type Config struct {
	// URL of the cluster, e.g. http://127.0.0.1:9200.
	URL string
	// Index is the index name (default "store-offerings").
	Index string
	// Refresh is the bulk refresh policy: "false" (default), "true" or "wait_for".
	Refresh string
	// Timeout bounds every request (default 3 s) so a hung cluster degrades search quickly.
	Timeout time.Duration
	// Username and Password are optional basic-auth credentials.
	Username, Password string
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
}

// Engine is the Elasticsearch adapter.
type Engine struct {
	es  *elasticsearch.Client
	cfg Config
}

// New creates the client; it does not contact the cluster (see EnsureIndex).
func New(cfg Config) (*Engine, error) {
	if cfg.Index == "" {
		cfg.Index = "store-offerings"
	}
	if cfg.Refresh == "" {
		cfg.Refresh = "false"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: []string{cfg.URL}, Username: cfg.Username, Password: cfg.Password,
		Transport: cfg.Transport, MaxRetries: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("elasticsearch client: %w", err)
	}
	return &Engine{es: es, cfg: cfg}, nil
}

// mapping is the explicit index mapping.
func mapping() map[string]any {
	text := map[string]any{"type": "text", "analyzer": "english"}
	kw := map[string]any{"type": "keyword"}
	return map[string]any{
		"settings": map[string]any{"number_of_shards": 1},
		"mappings": map[string]any{
			"dynamic": "strict",
			"properties": map[string]any{
				fID: kw, fName: text, fDescription: text, fCharText: text, fNameSort: kw,
				fPrice:    map[string]any{"type": "scaled_float", "scaling_factor": 100},
				fChannels: kw, fPairs: kw,
				fPublished: map[string]any{"type": "date"},
				fDoc:       map[string]any{"type": "object", "enabled": false},
			},
		},
	}
}

// EnsureIndex creates the index with its mapping when it does not exist.
func (e *Engine) EnsureIndex(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	res, err := e.es.Indices.Exists([]string{e.cfg.Index}, e.es.Indices.Exists.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("check index %s: %w", e.cfg.Index, err)
	}
	drain(res)
	if res.StatusCode == http.StatusOK {
		return nil
	}
	if res.StatusCode != http.StatusNotFound {
		return fmt.Errorf("check index %s: status %d", e.cfg.Index, res.StatusCode)
	}
	body, _ := json.Marshal(mapping())
	res, err = e.es.Indices.Create(e.cfg.Index, e.es.Indices.Create.WithContext(ctx), e.es.Indices.Create.WithBody(bytes.NewReader(body)))
	if err != nil {
		return fmt.Errorf("create index %s: %w", e.cfg.Index, err)
	}
	if err := check(res, "create index"); err != nil && !strings.Contains(err.Error(), "resource_already_exists_exception") {
		return err
	}
	return nil
}

// Reset deletes and re-creates the index.
func (e *Engine) Reset(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	res, err := e.es.Indices.Delete([]string{e.cfg.Index}, e.es.Indices.Delete.WithContext(dctx))
	if err != nil {
		return fmt.Errorf("delete index %s: %w", e.cfg.Index, err)
	}
	drain(res)
	if res.IsError() && res.StatusCode != http.StatusNotFound {
		return fmt.Errorf("delete index %s: status %d", e.cfg.Index, res.StatusCode)
	}
	return e.EnsureIndex(ctx)
}

// Ping is the health check: the cluster answers.
func (e *Engine) Ping(ctx context.Context) error {
	res, err := e.es.Ping(e.es.Ping.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("ping elasticsearch: %w", err)
	}
	drain(res)
	if res.IsError() {
		return fmt.Errorf("ping elasticsearch: status %d", res.StatusCode)
	}
	return nil
}

func toIndexed(d domain.Document) map[string]any {
	pairs := []string{}
	for _, p := range d.CharacteristicPairs() {
		pairs = append(pairs, domain.PairKey(p))
	}
	channels := d.SalesChannels
	if channels == nil {
		channels = []string{}
	}
	f := map[string]any{
		fID: d.ID, fName: d.Name, fDescription: d.Description, fCharText: d.CharacteristicText(),
		fNameSort: strings.ToLower(d.Name), fPrice: d.PriceFrom(), fChannels: channels, fPairs: pairs,
		fDoc: search.ToSource(d),
	}
	if d.PublishedAt != nil {
		f[fPublished] = d.PublishedAt.UTC().Format(time.RFC3339Nano)
	}
	return f
}

// Index implements app.Index with one bulk request.
func (e *Engine) Index(ctx context.Context, docs ...domain.Document) error {
	if len(docs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, d := range docs {
		_ = enc.Encode(map[string]any{"index": map[string]any{"_index": e.cfg.Index, "_id": d.ID}})
		if err := enc.Encode(toIndexed(d)); err != nil {
			return fmt.Errorf("encode document %s: %w", d.ID, err)
		}
	}
	return e.bulk(ctx, &buf, len(docs))
}

// Remove implements app.Index with one bulk request.
func (e *Engine) Remove(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, id := range ids {
		_ = enc.Encode(map[string]any{"delete": map[string]any{"_index": e.cfg.Index, "_id": id}})
	}
	return e.bulk(ctx, &buf, len(ids))
}

type bulkResponse struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

func (e *Engine) bulk(ctx context.Context, body io.Reader, n int) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	res, err := e.es.Bulk(body, e.es.Bulk.WithContext(ctx), e.es.Bulk.WithIndex(e.cfg.Index), e.es.Bulk.WithRefresh(e.cfg.Refresh))
	if err != nil {
		return fmt.Errorf("bulk %d actions: %w", n, err)
	}
	if res.IsError() {
		return check(res, fmt.Sprintf("bulk %d actions", n))
	}
	defer drain(res)
	var br bulkResponse
	if err := json.NewDecoder(res.Body).Decode(&br); err != nil {
		return fmt.Errorf("decode bulk response: %w", err)
	}
	if !br.Errors {
		return nil
	}
	var failures []string
	for _, item := range br.Items {
		for action, r := range item {
			if r.Error != nil && !(action == "delete" && r.Status == http.StatusNotFound) {
				failures = append(failures, fmt.Sprintf("%s %s: %s: %s", action, r.ID, r.Error.Type, r.Error.Reason))
			}
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("bulk: %d of %d actions failed: %s", len(failures), n, strings.Join(failures, "; "))
	}
	return nil
}

func drain(res *esapi.Response) {
	if res != nil && res.Body != nil {
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	}
}

func check(res *esapi.Response, what string) error {
	defer drain(res)
	if !res.IsError() {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	return fmt.Errorf("%s: status %d: %s", what, res.StatusCode, b)
}
