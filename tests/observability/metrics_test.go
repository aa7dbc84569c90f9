package observability

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// series is a check on one metric of one service: the sample named name whose labels contain
// every pair in labels must exist and its value must satisfy ok.
type series struct {
	name   string
	labels map[string]string
	ok     func(float64) bool
	want   string
}

func atLeast(n float64) (func(float64) bool, string) {
	return func(v float64) bool { return v >= n }, fmt.Sprintf(">= %v", n)
}

func exactly(n float64) (func(float64) bool, string) {
	return func(v float64) bool { return v == n }, fmt.Sprintf("== %v", n)
}

func s(name string, labels map[string]string, check func() (func(float64) bool, string)) series {
	ok, want := check()
	return series{name: name, labels: labels, ok: ok, want: want}
}

func one() (func(float64) bool, string)  { return atLeast(1) }
func zero() (func(float64) bool, string) { return exactly(0) }
func some() (func(float64) bool, string) { return atLeast(0) }

type labels = map[string]string

func TestMetricsShowThePublication(t *testing.T) {
	if _, err := published(); err != nil {
		t.Fatal(err)
	}
	checks := map[string][]series{
		"gateway": {
			s("http_requests_total", labels{"service": "gateway", "method": "POST", "status": "202"}, one),
			s("http_request_duration_seconds_count", labels{"service": "gateway", "method": "POST"}, one),
			s("gateway_upstream_requests_total", labels{"upstream": "offering", "outcome": "ok"}, one),
			s("gateway_breaker_state", labels{"upstream": "offering"}, zero),
		},
		"offering": {
			s("http_requests_total", labels{"service": "offering", "method": "POST", "status": "202"}, one),
			s("http_request_duration_seconds_bucket", labels{"service": "offering", "le": "+Inf"}, one),
			s("outbox_published_total", nil, one),
			s("outbox_pending_events", nil, some),
			s("outbox_oldest_pending_age_seconds", nil, some),
			s("sagaworker_jobs_total", labels{"job_type": "confirm-publication", "outcome": "completed"}, one),
			s("sagaworker_job_duration_seconds_count", labels{"job_type": "confirm-publication"}, one),
			s("messaging_queue_depth", nil, some),
		},
		"pricing": {
			s("sagaworker_jobs_total", labels{"job_type": "lock-prices", "outcome": "completed"}, one),
			s("outbox_published_total", nil, one),
		},
		"specification": {
			s("sagaworker_jobs_total", labels{"job_type": "validate-specifications", "outcome": "completed"}, one),
			s("messaging_consumed_total", nil, one),
		},
		"store-query": {
			s("sagaworker_jobs_total", labels{"job_type": "create-store-entry", "outcome": "completed"}, one),
			s("messaging_consumed_total", nil, one),
			s("messaging_handler_duration_seconds_count", nil, one),
			s("messaging_queue_depth", nil, some),
			s("messaging_dlq_depth", nil, zero),
		},
		"engine": {
			s("saga_engine_instances_total", labels{"process": "offering-publication"}, one),
			s("saga_engine_instance_duration_seconds_count", labels{"process": "offering-publication"}, one),
			s("saga_engine_jobs_completed_total", labels{"type": "lock-prices"}, one),
		},
	}
	for name, want := range checks {
		t.Run(name, func(t *testing.T) {
			// Queue depths are refreshed every 10 s and the saga ends after the publish answer,
			// so the page is read again until every series is there.
			eventually(t, 45*time.Second, func() string {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				page, err := get(ctx, stack.URL(name)+"/metrics")
				if err != nil {
					return err.Error()
				}
				samples := parse(page)
				var bad []string
				for _, w := range want {
					v, found := find(samples, w)
					switch {
					case !found:
						bad = append(bad, fmt.Sprintf("%s%v missing", w.name, w.labels))
					case !w.ok(v):
						bad = append(bad, fmt.Sprintf("%s%v = %v, want %s", w.name, w.labels, v, w.want))
					}
				}
				return strings.Join(bad, "; ")
			})
		})
	}
}

type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// parse reads the Prometheus text format (the subset client_golang writes).
func parse(page string) []sample {
	var out []sample
	for _, line := range strings.Split(page, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		head := line[:sp]
		smp := sample{name: head, labels: map[string]string{}, value: v}
		if i := strings.IndexByte(head, '{'); i >= 0 {
			smp.name = head[:i]
			for _, pair := range splitLabels(strings.TrimSuffix(head[i+1:], "}")) {
				if k, val, ok := strings.Cut(pair, "="); ok {
					smp.labels[k] = strings.Trim(val, `"`)
				}
			}
		}
		out = append(out, smp)
	}
	return out
}

// splitLabels splits `a="x",b="y,z"` on the commas outside quotes.
func splitLabels(s string) []string {
	var out []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// find sums the samples that match w (several label sets can match a partial selector).
func find(samples []sample, w series) (float64, bool) {
	var sum float64
	found := false
	for _, smp := range samples {
		if smp.name != w.name {
			continue
		}
		match := true
		for k, v := range w.labels {
			if smp.labels[k] != v {
				match = false
				break
			}
		}
		if match {
			sum += smp.value
			found = true
		}
	}
	return sum, found
}
