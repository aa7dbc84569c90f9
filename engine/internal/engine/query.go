package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefinitionInfo describes a deployed process definition.
type DefinitionInfo struct {
	Key          int64     `json:"key"`
	ProcessID    string    `json:"bpmn_process_id"`
	Version      int32     `json:"version"`
	Name         string    `json:"name"`
	ResourceName string    `json:"resource_name"`
	DeployedAt   time.Time `json:"deployed_at"`
}

// InstanceSummary is one row of the instance list.
type InstanceSummary struct {
	Key           int64      `json:"key"`
	DefinitionKey int64      `json:"process_definition_key"`
	ProcessID     string     `json:"bpmn_process_id"`
	Version       int32      `json:"version"`
	State         string     `json:"state"`
	EndElementID  string     `json:"end_element_id,omitempty"`
	StartedAt     time.Time  `json:"started_at"`
	EndedAt       *time.Time `json:"ended_at,omitempty"`
	Incidents     int        `json:"incidents"`
}

// ElementRecord is one entry of an instance's element history.
type ElementRecord struct {
	Key       int64      `json:"key"`
	ElementID string     `json:"element_id"`
	Type      string     `json:"element_type"`
	ScopeKey  int64      `json:"scope_key"`
	State     string     `json:"state"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
}

// JobRecord is one job of an instance.
type JobRecord struct {
	Key          int64      `json:"key"`
	Type         string     `json:"type"`
	ElementID    string     `json:"element_id"`
	State        string     `json:"state"`
	Retries      int32      `json:"retries"`
	Worker       string     `json:"worker,omitempty"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	ErrorMessage string     `json:"error_message,omitempty"`
}

// Incident is a problem that stopped a token.
type Incident struct {
	Key                int64      `json:"key"`
	InstanceKey        int64      `json:"process_instance_key"`
	ElementInstanceKey int64      `json:"element_instance_key"`
	ElementID          string     `json:"element_id"`
	JobKey             *int64     `json:"job_key,omitempty"`
	Type               string     `json:"error_type"`
	Message            string     `json:"message"`
	State              string     `json:"state"`
	CreatedAt          time.Time  `json:"created_at"`
	ResolvedAt         *time.Time `json:"resolved_at,omitempty"`
}

// InstanceDetail is everything the ops API shows about one instance.
type InstanceDetail struct {
	InstanceSummary
	Variables         json.RawMessage `json:"variables"`
	CurrentElementIDs []string        `json:"current_element_ids"`
	Elements          []ElementRecord `json:"elements"`
	Jobs              []JobRecord     `json:"jobs"`
	IncidentList      []Incident      `json:"incident_list"`
}

// InstanceFilter selects instances; zero values mean no filter.
type InstanceFilter struct {
	State     string
	ProcessID string
	Limit     int
	Offset    int
}

// Definitions lists deployed definitions, newest first.
func (e *Engine) Definitions(ctx context.Context) ([]DefinitionInfo, error) {
	rows, err := e.pool.Query(ctx, `SELECT key, bpmn_process_id, version, name, resource_name, deployed_at
		FROM process_definitions ORDER BY bpmn_process_id, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("list definitions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DefinitionInfo, error) {
		var d DefinitionInfo
		return d, r.Scan(&d.Key, &d.ProcessID, &d.Version, &d.Name, &d.ResourceName, &d.DeployedAt)
	})
}

// DefinitionXML returns the BPMN XML a definition was deployed from.
func (e *Engine) DefinitionXML(ctx context.Context, key int64) (string, error) {
	var xml string
	err := e.pool.QueryRow(ctx, `SELECT xml FROM process_definitions WHERE key = $1`, key).Scan(&xml)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("process definition %d: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("definition xml %d: %w", key, err)
	}
	return xml, nil
}

const summaryColumns = `i.key, i.definition_key, i.bpmn_process_id, i.version, i.state, coalesce(i.end_element_id, ''), i.started_at, i.ended_at,
	(SELECT count(*) FROM incidents n WHERE n.instance_key = i.key AND n.state = 'ACTIVE')`

func scanSummary(r pgx.Row) (InstanceSummary, error) {
	var s InstanceSummary
	err := r.Scan(&s.Key, &s.DefinitionKey, &s.ProcessID, &s.Version, &s.State, &s.EndElementID, &s.StartedAt, &s.EndedAt, &s.Incidents)
	return s, err
}

// Instances lists instances, newest first, with the total matching count.
func (e *Engine) Instances(ctx context.Context, f InstanceFilter) ([]InstanceSummary, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := `($1 = '' OR i.state = $1) AND ($2 = '' OR i.bpmn_process_id = $2)`
	var total int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM process_instances i WHERE `+where, f.State, f.ProcessID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count instances: %w", err)
	}
	rows, err := e.pool.Query(ctx, `SELECT `+summaryColumns+` FROM process_instances i WHERE `+where+`
		ORDER BY i.key DESC LIMIT $3 OFFSET $4`, f.State, f.ProcessID, f.Limit, max(f.Offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("list instances: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (InstanceSummary, error) { return scanSummary(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("list instances: %w", err)
	}
	return list, total, nil
}

// Instance returns one instance with its history, jobs, incidents and variables.
func (e *Engine) Instance(ctx context.Context, key int64) (InstanceDetail, error) {
	var d InstanceDetail
	var vars string
	row := e.pool.QueryRow(ctx, `SELECT `+summaryColumns+`, i.variables::text FROM process_instances i WHERE i.key = $1`, key)
	err := row.Scan(&d.Key, &d.DefinitionKey, &d.ProcessID, &d.Version, &d.State, &d.EndElementID, &d.StartedAt, &d.EndedAt, &d.Incidents, &vars)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("process instance %d: %w", key, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("load instance %d: %w", key, err)
	}
	d.Variables = json.RawMessage(vars)
	rows, err := e.pool.Query(ctx, `SELECT key, element_id, element_type, scope_key, state, started_at, ended_at
		FROM element_instances WHERE instance_key = $1 ORDER BY key`, key)
	if err != nil {
		return d, fmt.Errorf("element history %d: %w", key, err)
	}
	d.Elements, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ElementRecord, error) {
		var x ElementRecord
		return x, r.Scan(&x.Key, &x.ElementID, &x.Type, &x.ScopeKey, &x.State, &x.StartedAt, &x.EndedAt)
	})
	if err != nil {
		return d, fmt.Errorf("element history %d: %w", key, err)
	}
	d.CurrentElementIDs = []string{}
	for _, x := range d.Elements {
		if x.State == stateActive {
			d.CurrentElementIDs = append(d.CurrentElementIDs, x.ElementID)
		}
	}
	rows, err = e.pool.Query(ctx, `SELECT key, type, element_id, state, retries, coalesce(worker, ''), deadline, error_message
		FROM jobs WHERE instance_key = $1 ORDER BY key`, key)
	if err != nil {
		return d, fmt.Errorf("jobs of %d: %w", key, err)
	}
	d.Jobs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (JobRecord, error) {
		var j JobRecord
		return j, r.Scan(&j.Key, &j.Type, &j.ElementID, &j.State, &j.Retries, &j.Worker, &j.Deadline, &j.ErrorMessage)
	})
	if err != nil {
		return d, fmt.Errorf("jobs of %d: %w", key, err)
	}
	d.IncidentList, err = e.incidents(ctx, `WHERE instance_key = $1`, key)
	return d, err
}

// Incidents lists incidents; state "" lists all, else ACTIVE or RESOLVED.
func (e *Engine) Incidents(ctx context.Context, state string) ([]Incident, error) {
	return e.incidents(ctx, `WHERE ($1 = '' OR state = $1)`, state)
}

func (e *Engine) incidents(ctx context.Context, where string, arg any) ([]Incident, error) {
	rows, err := e.pool.Query(ctx, `SELECT key, instance_key, element_instance_key, element_id, job_key, error_type, message, state, created_at, resolved_at
		FROM incidents `+where+` ORDER BY key DESC LIMIT 500`, arg)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Incident, error) {
		var n Incident
		return n, r.Scan(&n.Key, &n.InstanceKey, &n.ElementInstanceKey, &n.ElementID, &n.JobKey, &n.Type, &n.Message, &n.State, &n.CreatedAt, &n.ResolvedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return list, nil
}
