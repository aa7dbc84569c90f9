package engine

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ResolveIncident resolves an incident and continues where it stopped: a job incident makes
// the job available again (its retries must be above zero, see UpdateJobRetries); an element
// incident re-runs the element (after variables were fixed with SetVariables). With
// retryJob, a job incident first gets its job's retries set to 1 if they are exhausted.
func (e *Engine) ResolveIncident(ctx context.Context, incidentKey int64, retryJob bool) error {
	return e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		t, err := e.beginOwnerOf(ctx, tx, fx, "incidents", incidentKey)
		if err != nil {
			return err
		}
		var state, errType, elementID string
		var eiKey int64
		var jobKey *int64
		err = tx.QueryRow(ctx, `SELECT state, error_type, element_id, element_instance_key, job_key FROM incidents WHERE key = $1 FOR UPDATE`,
			incidentKey).Scan(&state, &errType, &elementID, &eiKey, &jobKey)
		if err != nil {
			return fmt.Errorf("lock incident %d: %w", incidentKey, err)
		}
		if state != stateActive {
			return fmt.Errorf("incident %d is already resolved: %w", incidentKey, ErrNotFound)
		}
		if jobKey != nil {
			if err := t.retryJob(ctx, *jobKey, retryJob); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE incidents SET state = 'RESOLVED', resolved_at = now() WHERE key = $1`, incidentKey); err != nil {
			return fmt.Errorf("resolve incident %d: %w", incidentKey, err)
		}
		fx.incidentsChanged = true
		if jobKey != nil {
			return nil
		}
		ei, err := t.loadElemInst(ctx, eiKey)
		if err != nil {
			return err
		}
		el := t.def.Element(ei.elementID)
		if errType == incidentIOMapping {
			return t.leave(ctx, el, ei)
		}
		return t.enter(ctx, el, ei)
	})
}

// retryJob makes the job of a resolved incident available again.
func (t *txn) retryJob(ctx context.Context, jobKey int64, bumpRetries bool) error {
	j, err := t.lockJob(ctx, jobKey)
	if err != nil {
		return err
	}
	if j.state != "FAILED" && j.state != "ERROR_THROWN" {
		return fmt.Errorf("job %d is %s: %w", jobKey, j.state, ErrInvalidState)
	}
	retries := j.retries
	if retries < 1 {
		if !bumpRetries && j.state == "FAILED" {
			return fmt.Errorf("job %d has no retries left; update its retries before resolving the incident: %w", jobKey, ErrInvalidState)
		}
		retries = 1
	}
	if _, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'ACTIVATABLE', retries = $2, worker = NULL, deadline = NULL, available_at = now()
		WHERE key = $1`, jobKey, retries); err != nil {
		return fmt.Errorf("retry job %d: %w", jobKey, err)
	}
	return t.jobsChanged(ctx, j.jobType)
}
