package observability

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestOneRequestsCorrelationIDIsInTheLogsOfEveryServiceItTouched(t *testing.T) {
	p, err := published()
	if err != nil {
		t.Fatal(err)
	}
	// gateway and offering serve the request; pricing, specification and the store run its
	// saga jobs; the store also consumes the OfferingPublished event.
	for _, name := range []string{"gateway", "offering", "pricing", "specification", "store-query"} {
		t.Run(name, func(t *testing.T) {
			eventually(t, 30*time.Second, func() string {
				lines, err := linesWith(stack.LogFile(name), p.CorrelationID)
				if err != nil {
					return err.Error()
				}
				if len(lines) == 0 {
					return fmt.Sprintf("no line of %s carries correlation_id %s", name, p.CorrelationID)
				}
				for _, l := range lines {
					for _, k := range []string{"time", "level", "msg", "service", "correlation_id", "trace_id", "span_id"} {
						if s, _ := l[k].(string); s == "" {
							return fmt.Sprintf("line %v lacks %s", l, k)
						}
					}
					if l["service"] != name {
						return fmt.Sprintf("line %v: service = %v, want %s", l, l["service"], name)
					}
				}
				if !traced(lines, p.TraceID) {
					return fmt.Sprintf("no line of %s with correlation id %s carries trace id %s", name, p.CorrelationID, p.TraceID)
				}
				return ""
			})
		})
	}
}

// linesWith returns the JSON lines of path whose correlation_id is cid.
func linesWith(path, cid string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if !strings.Contains(sc.Text(), cid) {
			continue
		}
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) == nil && l["correlation_id"] == cid {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

func traced(lines []map[string]any, traceID string) bool {
	for _, l := range lines {
		if l["trace_id"] == traceID {
			return true
		}
	}
	return false
}
