package outbox

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Relay metrics (one set per process; several relays in one process share them).
var (
	pendingGauge = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "outbox_pending_events", Help: "Outbox rows not yet published.",
	})
	oldestPendingGauge = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "outbox_oldest_pending_age_seconds", Help: "Age of the oldest unpublished outbox row (0 when none).",
	})
	publishedTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "outbox_published_total", Help: "Outbox events published and confirmed by the broker.",
	})
	publishFailuresTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "outbox_publish_failures_total", Help: "Outbox events whose publish failed, by reason (unroutable, nacked, broker, invalid).",
	}, []string{"reason"})
	relayErrorsTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "outbox_relay_errors_total", Help: "Relay batches that failed (database or broker unavailable).",
	})
	batchSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name: "outbox_relay_batch_duration_seconds", Help: "Claim, publish and mark of one relay batch.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	})
	prunedTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "outbox_pruned_total", Help: "Published outbox rows deleted after the retention period.",
	})
)
