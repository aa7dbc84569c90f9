package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ActivateRequest asks for jobs of one type (the Zeebe ActivateJobs request).
type ActivateRequest struct {
	Type           string
	Worker         string
	Timeout        time.Duration // how long the jobs stay locked to the worker
	MaxJobs        int32
	FetchVariables []string      // empty: all variables
	RequestTimeout time.Duration // long-poll duration; 0 = default 10s, negative = no long polling
}

// ActivatedJob is a job handed to a worker.
type ActivatedJob struct {
	Key                int64
	Type               string
	ProcessInstanceKey int64
	BPMNProcessID      string
	Version            int32
	DefinitionKey      int64
	ElementID          string
	ElementInstanceKey int64
	CustomHeaders      string
	Worker             string
	Retries            int32
	Deadline           time.Time
	Variables          string
}

// ActivateJobs long-polls for jobs of req.Type and passes them to send once (a batch of at
// most MaxJobs). It returns without calling send when the request times out. Jobs whose
// previous worker let the activation timeout pass are offered again.
func (e *Engine) ActivateJobs(ctx context.Context, req ActivateRequest, send func([]ActivatedJob) error) error {
	if req.Type == "" || req.MaxJobs <= 0 {
		return fmt.Errorf("activate jobs needs a type and maxJobsToActivate > 0: %w", ErrInvalidArgument)
	}
	if req.Timeout <= 0 {
		req.Timeout = 5 * time.Minute
	}
	wait := req.RequestTimeout
	if wait == 0 {
		wait = 10 * time.Second
	}
	deadline := time.Now().Add(wait)
	for {
		wake := e.jobSignals.wait(req.Type)
		jobs, err := e.claimJobs(ctx, req)
		if err != nil {
			return err
		}
		if len(jobs) > 0 {
			if err := send(jobs); err != nil {
				e.unclaimJobs(context.WithoutCancel(ctx), jobs)
				return err
			}
			jobsActivated.WithLabelValues(req.Type).Add(float64(len(jobs)))
			return nil
		}
		left := time.Until(deadline)
		if req.RequestTimeout < 0 || left <= 0 {
			return nil
		}
		if next, ok, err := e.nextJobDue(ctx, req.Type); err != nil {
			return err
		} else if ok {
			left = min(left, max(time.Until(next), time.Millisecond))
		}
		timer := time.NewTimer(left)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// claimJobs locks up to MaxJobs available jobs to the worker. SKIP LOCKED lets concurrent
// pollers (and replicas) claim disjoint sets without waiting on each other.
func (e *Engine) claimJobs(ctx context.Context, req ActivateRequest) ([]ActivatedJob, error) {
	rows, err := e.pool.Query(ctx, `
		WITH c AS (
			SELECT key FROM jobs
			WHERE type = $1 AND ((state = 'ACTIVATABLE' AND available_at <= now()) OR (state = 'ACTIVATED' AND deadline <= now()))
			ORDER BY key LIMIT $2 FOR UPDATE SKIP LOCKED),
		u AS (
			UPDATE jobs j SET state = 'ACTIVATED', worker = $3, deadline = now() + $4 * interval '1 millisecond'
			FROM c WHERE j.key = c.key
			RETURNING j.key, j.instance_key, j.element_instance_key, j.element_id, j.retries, j.deadline, j.custom_headers)
		SELECT u.key, u.instance_key, u.element_instance_key, u.element_id, u.retries, u.deadline, u.custom_headers::text,
			i.definition_key, i.bpmn_process_id, i.version, i.variables::text
		FROM u JOIN process_instances i ON i.key = u.instance_key ORDER BY u.key`,
		req.Type, req.MaxJobs, req.Worker, req.Timeout.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ActivatedJob, error) {
		j := ActivatedJob{Type: req.Type, Worker: req.Worker}
		err := r.Scan(&j.Key, &j.ProcessInstanceKey, &j.ElementInstanceKey, &j.ElementID, &j.Retries, &j.Deadline, &j.CustomHeaders,
			&j.DefinitionKey, &j.BPMNProcessID, &j.Version, &j.Variables)
		return j, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	for i := range jobs {
		if jobs[i].Variables, err = filterVariables(jobs[i].Variables, req.FetchVariables); err != nil {
			return nil, err
		}
	}
	return jobs, nil
}

// filterVariables keeps only the named variables of a JSON object.
func filterVariables(doc string, names []string) (string, error) {
	if len(names) == 0 {
		return doc, nil
	}
	all := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(doc), &all); err != nil {
		return "", fmt.Errorf("decode variables: %w", err)
	}
	out := make(map[string]json.RawMessage, len(names))
	for _, n := range names {
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode variables: %w", err)
	}
	return string(b), nil
}

// unclaimJobs makes jobs that could not be delivered available again at once.
func (e *Engine) unclaimJobs(ctx context.Context, jobs []ActivatedJob) {
	keys := make([]int64, 0, len(jobs))
	for _, j := range jobs {
		keys = append(keys, j.Key)
	}
	if _, err := e.pool.Exec(ctx, `UPDATE jobs SET state = 'ACTIVATABLE', worker = NULL, deadline = NULL
		WHERE key = ANY($1) AND state = 'ACTIVATED'`, keys); err != nil {
		e.log.WarnContext(ctx, "return undelivered jobs", "error", err)
		return
	}
	e.jobSignals.notify(jobs[0].Type)
}

// nextJobDue returns when the next job of jobType becomes claimable (backoff or timeout).
func (e *Engine) nextJobDue(ctx context.Context, jobType string) (time.Time, bool, error) {
	var next *time.Time
	err := e.pool.QueryRow(ctx, `SELECT least(
			(SELECT min(available_at) FROM jobs WHERE type = $1 AND state = 'ACTIVATABLE'),
			(SELECT min(deadline) FROM jobs WHERE type = $1 AND state = 'ACTIVATED'))`, jobType).Scan(&next)
	if err != nil {
		if ctx.Err() != nil {
			return time.Time{}, false, nil
		}
		return time.Time{}, false, fmt.Errorf("next job due: %w", err)
	}
	if next == nil {
		return time.Time{}, false, nil
	}
	return *next, true, nil
}

// jobRow is a locked job.
type jobRow struct {
	key       int64
	instKey   int64
	eiKey     int64
	elementID string
	jobType   string
	retries   int32
	state     string
	ei        elemInst // the job's element instance
}

func (t *txn) lockJob(ctx context.Context, key int64) (jobRow, error) {
	j := jobRow{key: key}
	err := t.tx.QueryRow(ctx, `SELECT j.instance_key, j.element_instance_key, j.element_id, j.type, j.retries, j.state, e.scope_key, e.state
		FROM jobs j JOIN element_instances e ON e.key = j.element_instance_key WHERE j.key = $1 FOR UPDATE OF j`, key).
		Scan(&j.instKey, &j.eiKey, &j.elementID, &j.jobType, &j.retries, &j.state, &j.ei.scopeKey, &j.ei.state)
	j.ei.key, j.ei.elementID = j.eiKey, j.elementID
	if errors.Is(err, pgx.ErrNoRows) {
		return j, fmt.Errorf("job %d: %w", key, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("lock job %d: %w", key, err)
	}
	return j, nil
}

// withJob runs fn on a job that a worker may still report on (activatable or activated).
func (e *Engine) withJob(ctx context.Context, jobKey int64, fn func(t *txn, j jobRow) error) error {
	return e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		t, err := e.beginOwnerOf(ctx, tx, fx, "jobs", jobKey)
		if err != nil {
			return err
		}
		if err := t.requireActive(); err != nil {
			return err
		}
		j, err := t.lockJob(ctx, jobKey)
		if err != nil {
			return err
		}
		switch j.state {
		case "ACTIVATABLE", "ACTIVATED":
		case "COMPLETED", "CANCELED":
			return fmt.Errorf("job %d is %s: %w", jobKey, j.state, ErrNotFound)
		default:
			return fmt.Errorf("job %d is %s: %w", jobKey, j.state, ErrInvalidState)
		}
		return fn(t, j)
	})
}

// CompleteJob completes a job, merges variables (a JSON object) into the instance and moves on.
func (e *Engine) CompleteJob(ctx context.Context, jobKey int64, variables string) error {
	variables, err := normalizeVariables(variables)
	if err != nil {
		return err
	}
	return e.withJob(ctx, jobKey, func(t *txn, j jobRow) error {
		if err := t.mergeVariables(ctx, variables); err != nil {
			return err
		}
		if _, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'COMPLETED', deadline = NULL WHERE key = $1`, jobKey); err != nil {
			return fmt.Errorf("complete job %d: %w", jobKey, err)
		}
		t.fx.completedJobs = append(t.fx.completedJobs, j.jobType)
		return t.leave(ctx, t.def.Element(j.elementID), j.ei)
	})
}

// FailJob records a failed attempt: with retries left the job is offered again after
// backoff; with none an incident stops the instance until resolved.
func (e *Engine) FailJob(ctx context.Context, jobKey int64, retries int32, backoff time.Duration, message, variables string) error {
	variables, err := normalizeVariables(variables)
	if err != nil {
		return err
	}
	return e.withJob(ctx, jobKey, func(t *txn, j jobRow) error {
		if err := t.mergeVariables(ctx, variables); err != nil {
			return err
		}
		t.fx.failedJobs = append(t.fx.failedJobs, j.jobType)
		if err := t.jobsChanged(ctx, j.jobType); err != nil { // waiting pollers recompute when the job is due again
			return err
		}
		if retries > 0 {
			_, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'ACTIVATABLE', retries = $2, worker = NULL, deadline = NULL,
				available_at = now() + $3 * interval '1 millisecond', error_message = $4 WHERE key = $1`,
				jobKey, retries, max(backoff.Milliseconds(), 0), message)
			if err != nil {
				return fmt.Errorf("fail job %d: %w", jobKey, err)
			}
			return nil
		}
		if _, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'FAILED', retries = 0, deadline = NULL, error_message = $2 WHERE key = $1`,
			jobKey, message); err != nil {
			return fmt.Errorf("fail job %d: %w", jobKey, err)
		}
		if message == "" {
			message = "No more retries left."
		}
		return t.incident(ctx, t.def.Element(j.elementID), j.ei, incidentJobNoRetries, message, &jobKey)
	})
}

// ThrowError throws a BPMN error from a job: the nearest error boundary event catching
// errorCode (on the task or an enclosing subprocess) interrupts its activity and takes
// over; without one the job gets an incident.
func (e *Engine) ThrowError(ctx context.Context, jobKey int64, errorCode, message, variables string) error {
	variables, err := normalizeVariables(variables)
	if err != nil {
		return err
	}
	if errorCode == "" {
		return fmt.Errorf("throw error needs an errorCode: %w", ErrInvalidArgument)
	}
	return e.withJob(ctx, jobKey, func(t *txn, j jobRow) error {
		if err := t.mergeVariables(ctx, variables); err != nil {
			return err
		}
		t.fx.failedJobs = append(t.fx.failedJobs, j.jobType)
		ei := j.ei
		catcher, host, found, err := t.findCatch(ctx, ei, errorCode)
		if err != nil {
			return err
		}
		if !found {
			if _, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'ERROR_THROWN', deadline = NULL, error_message = $2 WHERE key = $1`, jobKey, message); err != nil {
				return fmt.Errorf("throw error on job %d: %w", jobKey, err)
			}
			return t.incident(ctx, t.def.Element(j.elementID), ei, incidentUnhandledError,
				fmt.Sprintf("an error with code %q was thrown but not caught: %s", errorCode, message), &jobKey)
		}
		if err := t.terminate(ctx, host.key); err != nil {
			return err
		}
		if _, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'ERROR_THROWN', error_message = $2 WHERE key = $1`, jobKey, message); err != nil {
			return fmt.Errorf("throw error on job %d: %w", jobKey, err)
		}
		return t.activate(ctx, catcher, host.scopeKey)
	})
}

// UpdateJobRetries sets the retries of a job that has not ended.
func (e *Engine) UpdateJobRetries(ctx context.Context, jobKey int64, retries int32) error {
	if retries < 1 {
		return fmt.Errorf("retries must be at least 1: %w", ErrInvalidArgument)
	}
	return e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		t, err := e.beginOwnerOf(ctx, tx, fx, "jobs", jobKey)
		if err != nil {
			return err
		}
		return t.updateRetries(ctx, jobKey, retries)
	})
}

func (t *txn) updateRetries(ctx context.Context, jobKey int64, retries int32) error {
	j, err := t.lockJob(ctx, jobKey)
	if err != nil {
		return err
	}
	if j.state == "COMPLETED" || j.state == "CANCELED" {
		return fmt.Errorf("job %d is %s: %w", jobKey, j.state, ErrNotFound)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE jobs SET retries = $2 WHERE key = $1`, jobKey, retries); err != nil {
		return fmt.Errorf("update retries of job %d: %w", jobKey, err)
	}
	return nil
}

// normalizeVariables accepts "", null or a JSON object document and returns an object
// document ("{}" when empty).
func normalizeVariables(doc string) (string, error) {
	if strings.TrimSpace(doc) == "" || strings.TrimSpace(doc) == "null" {
		return "{}", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &m); err != nil || m == nil {
		return "", fmt.Errorf("variables must be a JSON object: %w", ErrInvalidArgument)
	}
	return doc, nil
}
