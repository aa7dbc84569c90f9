package observability

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// zipkinSpan is the part of a Zipkin v2 span the tests look at.
type zipkinSpan struct {
	TraceID       string `json:"traceId"`
	ID            string `json:"id"`
	ParentID      string `json:"parentId"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	Timestamp     int64  `json:"timestamp"`
	Duration      int64  `json:"duration"`
	LocalEndpoint struct {
		ServiceName string `json:"serviceName"`
	} `json:"localEndpoint"`
	Tags map[string]string `json:"tags"`
}

// collector is an in-test Zipkin server: it accepts POST /api/v2/spans (JSON v2) from every
// service of the stack and keeps the spans in memory.
type collector struct {
	mu    sync.Mutex
	spans []zipkinSpan
	bad   int
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v2/spans" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var spans []zipkinSpan
	if err := json.Unmarshal(body, &spans); err != nil {
		c.mu.Lock()
		c.bad++
		c.mu.Unlock()
		http.Error(w, "want a JSON array of Zipkin v2 spans", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.spans = append(c.spans, spans...)
	c.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// trace returns the spans of one trace id collected so far.
func (c *collector) trace(traceID string) []zipkinSpan {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []zipkinSpan
	for _, s := range c.spans {
		if s.TraceID == traceID {
			out = append(out, s)
		}
	}
	return out
}

// rejected counts posts that were not Zipkin v2 JSON.
func (c *collector) rejected() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bad
}
