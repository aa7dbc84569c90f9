package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/tmfcatalog/platform/services/gateway/internal/apidocs"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

// Version is reported in the merged OpenAPI document.
const Version = "1.0.0"

// How long a merged document is reused: long when every upstream contributed, short when
// one was missing so it appears soon after it comes back.
const (
	docsFreshComplete = 30 * time.Second
	docsFreshPartial  = 3 * time.Second
	maxDocBytes       = 8 << 20
)

// openAPIUpstreams contribute to the merged document (the engine's ops API is internal).
var openAPIUpstreams = []string{routing.Identity, routing.Characteristic, routing.Specification,
	routing.Pricing, routing.Offering, routing.Store}

type openAPICache struct {
	g     *Gateway
	mu    sync.Mutex
	body  []byte
	until time.Time
}

func newOpenAPICache(g *Gateway) *openAPICache { return &openAPICache{g: g} }

// get returns the merged document, rebuilding it when stale. One rebuild at a time; the others
// wait for it rather than fetching in parallel.
func (c *openAPICache) get(ctx context.Context) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.g.now()
	if c.body != nil && now.Before(c.until) {
		return c.body, nil
	}
	sources := make([]apidocs.Source, len(openAPIUpstreams))
	var wg sync.WaitGroup
	for i, name := range openAPIUpstreams {
		wg.Go(func() {
			doc, err := c.fetch(context.WithoutCancel(ctx), name)
			sources[i] = apidocs.Source{Name: name, Doc: doc}
			if err != nil {
				sources[i].Err = err.Error()
			}
		})
	}
	wg.Wait()
	body, err := json.Marshal(apidocs.Merge(Version, sources, routed))
	if err != nil {
		return nil, fmt.Errorf("encode merged openapi: %w", err)
	}
	fresh := docsFreshComplete
	for _, s := range sources {
		if s.Doc == nil {
			fresh = docsFreshPartial
			c.g.log.WarnContext(ctx, "openapi document unavailable", "upstream", s.Name, "error", s.Err)
		}
	}
	c.body, c.until = body, now.Add(fresh)
	return body, nil
}

func (c *openAPICache) fetch(ctx context.Context, name string) (map[string]any, error) {
	up := c.g.upstreams[name]
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, up.Target().JoinPath("/openapi.json").String(), nil)
	if err != nil {
		return nil, fmt.Errorf("openapi of %s: %w", name, err)
	}
	resp, err := c.g.probe.Do(req)
	if err != nil {
		return nil, fmt.Errorf("openapi of %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("openapi of %s: status %d", name, resp.StatusCode)
	}
	var doc map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("openapi of %s: %w", name, err)
	}
	return doc, nil
}

// routed reports whether the gateway forwards path (an OpenAPI template such as /a/{id}).
func routed(path string) bool {
	_, ok := routing.Match(path)
	return ok
}

func (g *Gateway) openAPI(w http.ResponseWriter, r *http.Request) {
	body, err := g.docs.get(r.Context())
	if err != nil {
		g.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body) // a failed write means the client left
}

func serveDocs(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(apidocs.Page) // a failed write means the client left
}
