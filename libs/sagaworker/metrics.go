package sagaworker

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Job outcomes as the sagaworker_jobs_total metric labels them.
const (
	OutcomeCompleted     = "completed"
	OutcomeBusinessError = "business_error"
	OutcomeFailed        = "failed"
)

var (
	jobsTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "sagaworker_jobs_total",
		Help: "Saga jobs handled by this process, by job type and outcome (completed, business_error, failed).",
	}, []string{"job_type", "outcome"})
	jobSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sagaworker_job_duration_seconds",
		Help:    "Time the handler of a saga job took, by job type.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"job_type"})
)

// Outcome classifies a handler result for the metrics.
func Outcome(err error) string {
	if err == nil {
		return OutcomeCompleted
	}
	if _, ok := IsBusinessError(err); ok {
		return OutcomeBusinessError
	}
	return OutcomeFailed
}

func observeJob(jobType string, err error, took time.Duration) {
	jobsTotal.WithLabelValues(jobType, Outcome(err)).Inc()
	jobSeconds.WithLabelValues(jobType).Observe(took.Seconds())
}

// SpanName is the name of a job's span: "SAGA {process} {job type}".
func SpanName(processID, jobType string) string {
	if processID == "" {
		processID = "process"
	}
	return "SAGA " + processID + " " + jobType
}
