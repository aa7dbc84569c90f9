package messaging

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Consumer metrics, labelled by consumer group.
var (
	consumedTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "messaging_consumed_total", Help: "Events handled successfully and acked.",
	}, []string{"group"})
	failedTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "messaging_failed_total", Help: "Failed handler attempts (each retry counts).",
	}, []string{"group"})
	deadLetteredTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "messaging_dead_lettered_total", Help: "Messages sent to the dead-letter queue, by cause (poison, permanent, max_attempts).",
	}, []string{"group", "cause"})
	duplicatesTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "messaging_duplicates_total", Help: "Deliveries skipped because the event was already processed.",
	}, []string{"group"})
	queueDepth = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "messaging_queue_depth", Help: "Ready messages waiting in the group's queue (consumer lag).",
	}, []string{"group"})
	dlqDepth = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "messaging_dlq_depth", Help: "Messages waiting in the group's dead-letter queue.",
	}, []string{"group"})
	handlerSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name: "messaging_handler_duration_seconds", Help: "Handler duration.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"group"})
)
