package engine

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	instancesEnded = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "saga_engine_instances_total",
		Help: "Process instances that ended, by process id and outcome (end event, or canceled).",
	}, []string{"process", "outcome"})
	instanceDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "saga_engine_instance_duration_seconds",
		Help:    "Time from process instance creation to its end.",
		Buckets: []float64{0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300},
	}, []string{"process", "outcome"})
	jobsActivated = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "saga_engine_jobs_activated_total", Help: "Jobs handed to workers, by job type.",
	}, []string{"type"})
	jobsCompleted = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "saga_engine_jobs_completed_total", Help: "Jobs completed by workers, by job type.",
	}, []string{"type"})
	jobsFailed = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "saga_engine_jobs_failed_total", Help: "Job failures and thrown errors reported by workers, by job type.",
	}, []string{"type"})
	incidentsActive = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "saga_engine_incidents", Help: "Unresolved incidents.",
	})
)
