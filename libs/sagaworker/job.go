// Package sagaworker gives every saga participant the same Zeebe job worker plumbing:
// one JobWorker per job type, trace and correlation continuation from the process variables,
// business errors thrown as BPMN errors and technical errors failed with exponential backoff.
//
// It speaks the Zeebe gateway protocol through the official client, so the same code runs
// against our own saga engine and against a real Camunda 8 / Zeebe cluster.
package sagaworker

import (
	"errors"
	"fmt"
	"time"
)

// ErrorCode is the BPMN error code a BusinessError is thrown with; the publication process
// catches it with an error boundary event and compensates.
const ErrorCode = "PUBLICATION_FAILED"

// Variable names shared by every saga participant (see docs/saga.md).
const (
	VarFailureReason = "failure_reason"
	VarFailedStep    = "failed_step"
	VarCorrelationID = "correlation_id"
	VarTraceContext  = "trace_context"
)

// Job is one activated job as a handler sees it.
type Job struct {
	Key                int64
	Type               string
	Retries            int32
	ProcessInstanceKey int64
	BPMNProcessID      string
	ElementID          string
	Deadline           time.Time
	Headers            map[string]string
	Variables          map[string]any
}

// String returns the variable name as a string, or "" when it is absent or not a string.
func (j Job) String(name string) string {
	s, _ := j.Variables[name].(string)
	return s
}

// Strings returns the variable name as a string slice; non-string elements are skipped.
func (j Job) Strings(name string) []string {
	switch v := j.Variables[name].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	default:
		return nil
	}
}

// StringMap returns the variable name as a map of strings (e.g. trace_context).
func (j Job) StringMap(name string) map[string]string {
	switch v := j.Variables[name].(type) {
	case map[string]string:
		return v
	case map[string]any:
		out := make(map[string]string, len(v))
		for k, e := range v {
			if s, ok := e.(string); ok {
				out[k] = s
			}
		}
		return out
	default:
		return nil
	}
}

// businessError marks a failure the saga must compensate instead of retrying.
type businessError struct{ reason string }

func (e *businessError) Error() string { return "business error: " + e.reason }

// BusinessError returns an error that makes the worker throw the BPMN error PUBLICATION_FAILED
// with the variables failure_reason (reason) and failed_step (the job type).
func BusinessError(reason string) error { return &businessError{reason: reason} }

// BusinessErrorf is BusinessError with a format string.
func BusinessErrorf(format string, args ...any) error {
	return &businessError{reason: fmt.Sprintf(format, args...)}
}

// IsBusinessError reports whether err (or an error it wraps) came from BusinessError,
// and returns its reason.
func IsBusinessError(err error) (string, bool) {
	var be *businessError
	if errors.As(err, &be) {
		return be.reason, true
	}
	return "", false
}

// Backoff returns the retry backoff after the given number of failed attempts (1-based):
// 1s, 2s, 4s ... capped at 30s.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 6 {
		return MaxBackoff
	}
	d := time.Second << (attempt - 1)
	return min(d, MaxBackoff)
}

// MaxBackoff caps the technical-failure retry backoff.
const MaxBackoff = 30 * time.Second
