package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/engine/internal/model"
)

// completeScope ends the scope whose last token finished at last: the instance itself or a
// subprocess, which then leaves.
func (t *txn) completeScope(ctx context.Context, scopeKey int64, last *model.Element) error {
	if scopeKey == t.inst.key {
		return t.finish(ctx, stateCompleted, last.ID, outcomeOf(last))
	}
	scope, err := t.loadElemInst(ctx, scopeKey)
	if err != nil {
		return err
	}
	return t.leave(ctx, t.def.Element(scope.elementID), scope)
}

// outcomeOf names an instance outcome after its end event ("Publication failed" → publication_failed).
func outcomeOf(el *model.Element) string {
	name := strings.TrimSpace(el.Name)
	if name == "" {
		return el.ID
	}
	return strings.ReplaceAll(strings.ToLower(name), " ", "_")
}

func (t *txn) finish(ctx context.Context, state, endElement, outcome string) error {
	if _, err := t.tx.Exec(ctx, `UPDATE process_instances SET state = $2, end_element_id = $3, ended_at = now() WHERE key = $1`,
		t.inst.key, state, endElement); err != nil {
		return fmt.Errorf("finish process instance: %w", err)
	}
	t.inst.state = state
	t.fx.ended = append(t.fx.ended, endedInstance{key: t.inst.key, process: t.inst.processID, outcome: outcome,
		duration: t.e.opts.Now().Sub(t.inst.startedAt)})
	return nil
}

// terminate ends an active element instance and everything inside it: child elements,
// jobs, timers and incidents.
func (t *txn) terminate(ctx context.Context, key int64) error {
	rows, err := t.tx.Query(ctx, `SELECT key FROM element_instances WHERE scope_key = $1 AND state = 'ACTIVE'`, key)
	if err != nil {
		return fmt.Errorf("children of %d: %w", key, err)
	}
	children, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("children of %d: %w", key, err)
	}
	for _, c := range children {
		if err := t.terminate(ctx, c); err != nil {
			return err
		}
	}
	if _, err := t.tx.Exec(ctx, `UPDATE jobs SET state = 'CANCELED', deadline = NULL
		WHERE element_instance_key = $1 AND state IN ('ACTIVATABLE', 'ACTIVATED', 'FAILED', 'ERROR_THROWN')`, key); err != nil {
		return fmt.Errorf("cancel jobs of %d: %w", key, err)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE timers SET state = 'CANCELED' WHERE element_instance_key = $1 AND state = 'ACTIVE'`, key); err != nil {
		return fmt.Errorf("cancel timers of %d: %w", key, err)
	}
	tag, err := t.tx.Exec(ctx, `UPDATE incidents SET state = 'RESOLVED', resolved_at = now() WHERE element_instance_key = $1 AND state = 'ACTIVE'`, key)
	if err != nil {
		return fmt.Errorf("resolve incidents of %d: %w", key, err)
	}
	if tag.RowsAffected() > 0 {
		t.fx.incidentsChanged = true
	}
	return t.markEnded(ctx, key, stateTerminated)
}

func (t *txn) markEnded(ctx context.Context, key int64, state string) error {
	if _, err := t.tx.Exec(ctx, `UPDATE element_instances SET state = $2, ended_at = clock_timestamp() WHERE key = $1 AND state = 'ACTIVE'`, key, state); err != nil {
		return fmt.Errorf("end element instance %d: %w", key, err)
	}
	return nil
}

func (t *txn) loadElemInst(ctx context.Context, key int64) (elemInst, error) {
	ei := elemInst{key: key}
	err := t.tx.QueryRow(ctx, `SELECT element_id, scope_key, state FROM element_instances WHERE key = $1 AND instance_key = $2`,
		key, t.inst.key).Scan(&ei.elementID, &ei.scopeKey, &ei.state)
	if errors.Is(err, pgx.ErrNoRows) {
		return ei, fmt.Errorf("element instance %d: %w", key, ErrNotFound)
	}
	if err != nil {
		return ei, fmt.Errorf("load element instance %d: %w", key, err)
	}
	if t.def.Element(ei.elementID) == nil {
		return ei, fmt.Errorf("element instance %d names unknown element %q", key, ei.elementID)
	}
	return ei, nil
}

// triggerBoundary interrupts host and continues at the boundary event b.
func (t *txn) triggerBoundary(ctx context.Context, b *model.Element, host elemInst) error {
	if err := t.terminate(ctx, host.key); err != nil {
		return err
	}
	return t.activate(ctx, b, host.scopeKey)
}

// incident records a problem that stops the token at ei until resolved.
func (t *txn) incident(ctx context.Context, el *model.Element, ei elemInst, errType, msg string, jobKey *int64) error {
	if _, err := t.tx.Exec(ctx, `INSERT INTO incidents (instance_key, element_instance_key, element_id, job_key, error_type, message, state)
		VALUES ($1, $2, $3, $4, $5, $6, 'ACTIVE')`, t.inst.key, ei.key, el.ID, jobKey, errType, msg); err != nil {
		return fmt.Errorf("raise incident on %s: %w", el.ID, err)
	}
	t.fx.incidentsChanged = true
	t.e.log.WarnContext(ctx, "incident raised", "process_instance_key", t.inst.key, "element_id", el.ID,
		"error_type", errType, "message", msg)
	return nil
}
