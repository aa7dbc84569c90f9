package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CreateRequest starts a process instance: by definition key, or by BPMN process id and
// version (Version <= 0 = latest, as Zeebe uses -1).
type CreateRequest struct {
	DefinitionKey int64
	ProcessID     string
	Version       int32
	Variables     string // JSON object or ""
}

// Created identifies a new process instance.
type Created struct {
	InstanceKey   int64
	DefinitionKey int64
	ProcessID     string
	Version       int32
}

// CreateInstance starts a process instance and runs it to its first wait state.
func (e *Engine) CreateInstance(ctx context.Context, req CreateRequest) (Created, error) {
	vars, err := normalizeVariables(req.Variables)
	if err != nil {
		return Created{}, err
	}
	var out Created
	err = e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		var err error
		out, err = e.resolveDefinition(ctx, tx, req)
		if err != nil {
			return err
		}
		def, err := e.definition(ctx, tx, out.DefinitionKey)
		if err != nil {
			return err
		}
		inst := &instance{defKey: out.DefinitionKey, processID: out.ProcessID, version: out.Version, state: stateActive}
		err = tx.QueryRow(ctx, `INSERT INTO process_instances (definition_key, bpmn_process_id, version, state, variables)
			VALUES ($1, $2, $3, 'ACTIVE', $4::jsonb) RETURNING key, started_at`,
			out.DefinitionKey, out.ProcessID, out.Version, vars).Scan(&inst.key, &inst.startedAt)
		if err != nil {
			return fmt.Errorf("create process instance: %w", err)
		}
		out.InstanceKey = inst.key
		t := &txn{e: e, tx: tx, fx: fx, inst: inst, def: def}
		return t.activate(ctx, def.Element(def.Start), inst.key)
	})
	if err != nil {
		return Created{}, err
	}
	return out, nil
}

func (e *Engine) resolveDefinition(ctx context.Context, tx pgx.Tx, req CreateRequest) (Created, error) {
	var out Created
	var row pgx.Row
	switch {
	case req.DefinitionKey > 0:
		row = tx.QueryRow(ctx, `SELECT key, bpmn_process_id, version FROM process_definitions WHERE key = $1`, req.DefinitionKey)
	case req.ProcessID != "" && req.Version > 0:
		row = tx.QueryRow(ctx, `SELECT key, bpmn_process_id, version FROM process_definitions WHERE bpmn_process_id = $1 AND version = $2`,
			req.ProcessID, req.Version)
	case req.ProcessID != "":
		row = tx.QueryRow(ctx, `SELECT key, bpmn_process_id, version FROM process_definitions WHERE bpmn_process_id = $1
			ORDER BY version DESC LIMIT 1`, req.ProcessID)
	default:
		return out, fmt.Errorf("a process definition key or BPMN process id is required: %w", ErrInvalidArgument)
	}
	err := row.Scan(&out.DefinitionKey, &out.ProcessID, &out.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, fmt.Errorf("process definition (key %d, id %q, version %d): %w", req.DefinitionKey, req.ProcessID, req.Version, ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("find process definition: %w", err)
	}
	return out, nil
}

// AwaitResult waits until the instance ends and returns its variables (filtered by names
// when given). It gives up when ctx is done.
func (e *Engine) AwaitResult(ctx context.Context, instKey int64, names []string) (string, error) {
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	for {
		wake := e.results.wait(instKey)
		var state, vars string
		err := e.pool.QueryRow(ctx, `SELECT state, variables::text FROM process_instances WHERE key = $1`, instKey).Scan(&state, &vars)
		if errors.Is(err, pgx.ErrNoRows) {
			return "", fmt.Errorf("process instance %d: %w", instKey, ErrNotFound)
		}
		if err != nil {
			return "", fmt.Errorf("await process instance %d: %w", instKey, err)
		}
		switch state {
		case stateCompleted:
			return filterVariables(vars, names)
		case stateCanceled:
			return "", fmt.Errorf("process instance %d was canceled: %w", instKey, ErrInvalidState)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-wake:
		case <-poll.C:
		}
	}
}

// CancelInstance terminates an active process instance.
func (e *Engine) CancelInstance(ctx context.Context, instKey int64) error {
	return e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		t, err := e.begin(ctx, tx, fx, instKey)
		if err != nil {
			return err
		}
		if t.inst.state != stateActive {
			return fmt.Errorf("process instance %d is %s: %w", instKey, t.inst.state, ErrNotFound)
		}
		if err := t.terminate(ctx, instKey); err != nil {
			return err
		}
		return t.finish(ctx, stateCanceled, "", outcomeCanceled)
	})
}

// SetVariables merges variables into the process instance that elementInstanceKey (a
// process instance key or one of its element instance keys) belongs to. Variables live in
// the instance's root scope; local is accepted and treated the same way.
func (e *Engine) SetVariables(ctx context.Context, elementInstanceKey int64, variables string) (int64, error) {
	variables, err := normalizeVariables(variables)
	if err != nil {
		return 0, err
	}
	var instKey int64
	err = e.pool.QueryRow(ctx, `SELECT key FROM process_instances WHERE key = $1
		UNION ALL SELECT instance_key FROM element_instances WHERE key = $1 LIMIT 1`, elementInstanceKey).Scan(&instKey)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("element instance %d: %w", elementInstanceKey, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find element instance %d: %w", elementInstanceKey, err)
	}
	var key int64
	err = e.inTx(ctx, func(tx pgx.Tx, fx *effects) error {
		t, err := e.begin(ctx, tx, fx, instKey)
		if err != nil {
			return err
		}
		if t.inst.state != stateActive {
			return fmt.Errorf("process instance %d is %s: %w", instKey, t.inst.state, ErrNotFound)
		}
		if err := t.mergeVariables(ctx, variables); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT nextval('engine_key_seq')`).Scan(&key)
	})
	return key, err
}
