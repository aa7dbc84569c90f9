package upstream

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/sony/gobreaker/v2"
)

// Outcomes of a forwarded request, as counted in gateway_upstream_requests_total.
const (
	outcomeOK          = "ok"           // 1xx-3xx
	outcomeClientError = "client_error" // 4xx, passed through
	outcomeServerError = "server_error" // 5xx, passed through, a breaker failure
	outcomeUnavailable = "unavailable"  // connection failed → 503
	outcomeTimeout     = "timeout"      // no response headers in time → 504
	outcomeRejected    = "rejected"     // refused by the open breaker → 503
	outcomeAborted     = "aborted"      // client left or body too large
)

var (
	requestsTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_upstream_requests_total",
		Help: "Requests forwarded to each upstream, by outcome.",
	}, []string{"upstream", "outcome"})
	breakerState = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gateway_breaker_state",
		Help: "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
	}, []string{"upstream"})
)

// counters holds one upstream's pre-resolved outcome counters (no label lookup per request).
type counters map[string]prometheus.Counter

func newCounters(upstream string) counters {
	c := counters{}
	for _, o := range []string{outcomeOK, outcomeClientError, outcomeServerError, outcomeUnavailable,
		outcomeTimeout, outcomeRejected, outcomeAborted} {
		c[o] = requestsTotal.WithLabelValues(upstream, o)
	}
	return c
}

func stateValue(s gobreaker.State) float64 {
	switch s {
	case gobreaker.StateHalfOpen:
		return 1
	case gobreaker.StateOpen:
		return 2
	default:
		return 0
	}
}
