package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/engine/internal/feel"
	"github.com/tmfcatalog/platform/engine/internal/model"
)

// Instance and element states.
const (
	stateActive     = "ACTIVE"
	stateCompleted  = "COMPLETED"
	stateCanceled   = "CANCELED"
	stateTerminated = "TERMINATED"
)

// Incident types (named as in Zeebe where Zeebe has one).
const (
	incidentJobNoRetries   = "JOB_NO_RETRIES"
	incidentUnhandledError = "UNHANDLED_ERROR_EVENT"
	incidentCondition      = "CONDITION_ERROR"
	incidentExtractValue   = "EXTRACT_VALUE_ERROR"
	incidentIOMapping      = "IO_MAPPING_ERROR"
	maxStepsPerTransaction = 10000
	outcomeCanceled        = "canceled"
)

// instance is a locked process instance row.
type instance struct {
	key       int64
	defKey    int64
	processID string
	version   int32
	state     string
	startedAt time.Time
}

// elemInst is one element instance row.
type elemInst struct {
	key       int64
	elementID string
	scopeKey  int64
	state     string
}

// txn advances one process instance inside one database transaction.
type txn struct {
	e     *Engine
	tx    pgx.Tx
	fx    *effects
	inst  *instance
	def   *model.Definition
	vars  map[string]any
	steps int
}

// begin locks the instance row (always the first lock a command takes, so commands on one
// instance serialize and cannot deadlock) and loads its definition.
func (e *Engine) begin(ctx context.Context, tx pgx.Tx, fx *effects, instKey int64) (*txn, error) {
	return e.beginWhere(ctx, tx, fx, `key = $1`, instKey, fmt.Sprintf("process instance %d", instKey))
}

// beginOwnerOf locks the process instance that owns the row key of table (one round trip).
func (e *Engine) beginOwnerOf(ctx context.Context, tx pgx.Tx, fx *effects, table string, key int64) (*txn, error) {
	return e.beginWhere(ctx, tx, fx, `key = (SELECT instance_key FROM `+table+` WHERE key = $1)`, key,
		fmt.Sprintf("%s %d", strings.TrimSuffix(table, "s"), key))
}

func (e *Engine) beginWhere(ctx context.Context, tx pgx.Tx, fx *effects, where string, arg int64, what string) (*txn, error) {
	inst := &instance{}
	err := tx.QueryRow(ctx, `SELECT key, definition_key, bpmn_process_id, version, state, started_at
		FROM process_instances WHERE `+where+` FOR UPDATE`, arg).
		Scan(&inst.key, &inst.defKey, &inst.processID, &inst.version, &inst.state, &inst.startedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", what, err)
	}
	def, err := e.definition(ctx, tx, inst.defKey)
	if err != nil {
		return nil, err
	}
	return &txn{e: e, tx: tx, fx: fx, inst: inst, def: def}, nil
}

// requireActive refuses commands on ended instances; like Zeebe, their jobs and elements are
// reported as not found.
func (t *txn) requireActive() error {
	if t.inst.state != stateActive {
		return fmt.Errorf("process instance %d is %s: %w", t.inst.key, t.inst.state, ErrNotFound)
	}
	return nil
}

// variables returns the instance variables (loaded once per transaction).
func (t *txn) variables(ctx context.Context) (map[string]any, error) {
	if t.vars != nil {
		return t.vars, nil
	}
	var raw []byte
	if err := t.tx.QueryRow(ctx, `SELECT variables::text FROM process_instances WHERE key = $1`, t.inst.key).Scan(&raw); err != nil {
		return nil, fmt.Errorf("load variables: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	vars := map[string]any{}
	if err := dec.Decode(&vars); err != nil {
		return nil, fmt.Errorf("decode variables: %w", err)
	}
	t.vars = vars
	return vars, nil
}

// mergeVariables merges a JSON object document into the instance variables.
func (t *txn) mergeVariables(ctx context.Context, doc string) error {
	if doc == "" || doc == "{}" {
		return nil
	}
	if _, err := t.tx.Exec(ctx, `UPDATE process_instances SET variables = variables || $2::jsonb WHERE key = $1`, t.inst.key, doc); err != nil {
		return fmt.Errorf("merge variables: %w", err)
	}
	t.vars = nil
	return nil
}

func (t *txn) setVariable(ctx context.Context, name string, value any) error {
	b, err := json.Marshal(map[string]any{name: value})
	if err != nil {
		return fmt.Errorf("encode variable %s: %w", name, err)
	}
	return t.mergeVariables(ctx, string(b))
}

// activate creates an element instance in scope and runs the element.
func (t *txn) activate(ctx context.Context, el *model.Element, scopeKey int64) error {
	t.steps++
	if t.steps > maxStepsPerTransaction {
		return fmt.Errorf("process instance %d: more than %d steps without a wait state (endless loop?)", t.inst.key, maxStepsPerTransaction)
	}
	ei := elemInst{elementID: el.ID, scopeKey: scopeKey, state: stateActive}
	switch {
	case el.Kind == model.ServiceTask && !hasTimers(t.def, el):
		// Fast path: element instance and job in one statement.
		// pg_notify is delivered at commit and wakes long polls on other engine replicas.
		err := t.tx.QueryRow(ctx, `WITH ei AS (
				INSERT INTO element_instances (instance_key, element_id, element_type, scope_key, state)
				VALUES ($1, $2, $3, $4, 'ACTIVE') RETURNING key),
			j AS (
				INSERT INTO jobs (instance_key, element_instance_key, element_id, type, retries, state, custom_headers)
				SELECT $1, ei.key, $2, $5, $6, 'ACTIVATABLE', $7::jsonb FROM ei RETURNING element_instance_key)
			SELECT element_instance_key FROM j, pg_notify('`+channelJobs+`', $5)`,
			t.inst.key, el.ID, string(el.Kind), scopeKey, el.JobType, el.Retries, headersJSON(el)).Scan(&ei.key)
		if err != nil {
			return fmt.Errorf("activate %s: %w", el.ID, err)
		}
		t.fx.job(el.JobType)
		return nil
	case (el.Kind == model.StartEvent || el.Kind == model.BoundaryEvent) && len(el.Outputs) == 0, el.Kind == model.EndEvent:
		// Pass-through events: recorded already completed.
		err := t.tx.QueryRow(ctx, `INSERT INTO element_instances (instance_key, element_id, element_type, scope_key, state, ended_at)
			VALUES ($1, $2, $3, $4, 'COMPLETED', clock_timestamp()) RETURNING key`, t.inst.key, el.ID, string(el.Kind), scopeKey).Scan(&ei.key)
		if err != nil {
			return fmt.Errorf("activate %s: %w", el.ID, err)
		}
		if el.Kind == model.EndEvent {
			return t.completeScope(ctx, scopeKey, el)
		}
		return t.follow(ctx, el, ei)
	}
	err := t.tx.QueryRow(ctx, `INSERT INTO element_instances (instance_key, element_id, element_type, scope_key, state)
		VALUES ($1, $2, $3, $4, 'ACTIVE') RETURNING key`, t.inst.key, el.ID, string(el.Kind), scopeKey).Scan(&ei.key)
	if err != nil {
		return fmt.Errorf("activate %s: %w", el.ID, err)
	}
	return t.enter(ctx, el, ei)
}

// hasTimers reports whether el has timer boundary events.
func hasTimers(d *model.Definition, el *model.Element) bool {
	for _, b := range el.Boundaries {
		if d.Element(b).Timer != nil {
			return true
		}
	}
	return false
}

func headersJSON(el *model.Element) string {
	if len(el.Headers) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(el.Headers)
	return string(b)
}

// enter runs an active element until it waits or leaves.
func (t *txn) enter(ctx context.Context, el *model.Element, ei elemInst) error {
	switch el.Kind {
	case model.StartEvent, model.BoundaryEvent:
		return t.leave(ctx, el, ei)
	case model.EndEvent:
		if err := t.markEnded(ctx, ei.key, stateCompleted); err != nil {
			return err
		}
		return t.completeScope(ctx, ei.scopeKey, el)
	case model.ServiceTask:
		if ok, err := t.armTimers(ctx, el, ei); err != nil || !ok {
			return err
		}
		if _, err := t.tx.Exec(ctx, `WITH j AS (
				INSERT INTO jobs (instance_key, element_instance_key, element_id, type, retries, state, custom_headers)
				VALUES ($1, $2, $3, $4, $5, 'ACTIVATABLE', $6::jsonb) RETURNING key)
			SELECT key FROM j, pg_notify('`+channelJobs+`', $4)`, t.inst.key, ei.key, el.ID, el.JobType, el.Retries, headersJSON(el)); err != nil {
			return fmt.Errorf("create job for %s: %w", el.ID, err)
		}
		t.fx.job(el.JobType)
		return nil
	case model.SubProcess:
		if ok, err := t.armTimers(ctx, el, ei); err != nil || !ok {
			return err
		}
		return t.activate(ctx, t.def.Element(el.Start), ei.key)
	case model.ExclusiveGateway:
		return t.passGateway(ctx, el, ei)
	}
	return fmt.Errorf("element %s: kind %s cannot be executed", el.ID, el.Kind)
}

// passGateway takes the first outgoing flow whose condition holds, else the default flow.
func (t *txn) passGateway(ctx context.Context, el *model.Element, ei elemInst) error {
	vars, err := t.variables(ctx)
	if err != nil {
		return err
	}
	chosen := ""
	for _, fid := range el.Outgoing {
		if fid == el.DefaultFlow {
			continue
		}
		ok, err := t.def.Flows[fid].Taken(vars)
		if err != nil {
			return t.incident(ctx, el, ei, incidentCondition, err.Error(), nil)
		}
		if ok {
			chosen = fid
			break
		}
	}
	if chosen == "" {
		chosen = el.DefaultFlow
	}
	if chosen == "" {
		return t.incident(ctx, el, ei, incidentCondition,
			fmt.Sprintf("no outgoing sequence flow of gateway %s has a condition that holds, and there is no default flow", el.ID), nil)
	}
	if err := t.markEnded(ctx, ei.key, stateCompleted); err != nil {
		return err
	}
	return t.activate(ctx, t.def.Element(t.def.Flows[chosen].Target), ei.scopeKey)
}

// armTimers creates the timers of el's timer boundary events; false means an incident was
// raised instead.
func (t *txn) armTimers(ctx context.Context, el *model.Element, ei elemInst) (bool, error) {
	for _, bid := range el.Boundaries {
		b := t.def.Element(bid)
		if b.Timer == nil {
			continue
		}
		vars, err := t.variables(ctx)
		if err != nil {
			return false, err
		}
		src, err := b.Timer.ResolveDuration(vars)
		var d time.Duration
		if err == nil {
			d, err = feel.ParseDuration(src)
		}
		if err != nil {
			return false, t.incident(ctx, el, ei, incidentExtractValue, fmt.Sprintf("timer %s: %v", b.ID, err), nil)
		}
		if _, err := t.tx.Exec(ctx, `WITH t AS (
				INSERT INTO timers (instance_key, element_instance_key, boundary_id, due_at, state)
				VALUES ($1, $2, $3, now() + $4 * interval '1 microsecond', 'ACTIVE') RETURNING key)
			SELECT key FROM t, pg_notify('`+channelTimers+`', '')`, t.inst.key, ei.key, b.ID, d.Microseconds()); err != nil {
			return false, fmt.Errorf("create timer %s: %w", b.ID, err)
		}
		t.fx.timersChanged = true
	}
	return true, nil
}

// leave completes an element: output mappings, boundary timers cancelled, then the outgoing
// flow (or, without one, the end of the scope).
func (t *txn) leave(ctx context.Context, el *model.Element, ei elemInst) error {
	if len(el.Outputs) > 0 {
		vars, err := t.variables(ctx)
		if err != nil {
			return err
		}
		for _, m := range el.Outputs {
			v, err := m.Eval(vars)
			if err != nil {
				return t.incident(ctx, el, ei, incidentIOMapping, fmt.Sprintf("output %s: %v", m.Target, err), nil)
			}
			if err := t.setVariable(ctx, m.Target, v); err != nil {
				return err
			}
		}
	}
	if err := t.markEnded(ctx, ei.key, stateCompleted); err != nil {
		return err
	}
	if hasTimers(t.def, el) {
		if _, err := t.tx.Exec(ctx, `UPDATE timers SET state = 'CANCELED' WHERE element_instance_key = $1 AND state = 'ACTIVE'`, ei.key); err != nil {
			return fmt.Errorf("cancel timers of %s: %w", el.ID, err)
		}
	}
	return t.follow(ctx, el, ei)
}

// follow takes el's outgoing flow, or ends the scope when there is none.
func (t *txn) follow(ctx context.Context, el *model.Element, ei elemInst) error {
	if len(el.Outgoing) == 0 {
		return t.completeScope(ctx, ei.scopeKey, el)
	}
	return t.activate(ctx, t.def.Element(t.def.Flows[el.Outgoing[0]].Target), ei.scopeKey)
}
