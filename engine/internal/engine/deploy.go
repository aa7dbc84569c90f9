package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/engine/internal/model"
)

// Resource is one deployed file.
type Resource struct {
	Name    string
	Content []byte
}

// DeployedProcess describes one process definition a deployment produced or reused.
type DeployedProcess struct {
	ProcessID    string
	Version      int32
	Key          int64
	ResourceName string
}

// Deploy validates and stores BPMN resources. A process whose resource is byte-identical to
// its latest version keeps that version; otherwise it gets the next version. Anything the
// engine cannot execute is refused with ErrInvalidArgument and a message naming the element.
func (e *Engine) Deploy(ctx context.Context, resources []Resource) (int64, []DeployedProcess, error) {
	if len(resources) == 0 {
		return 0, nil, fmt.Errorf("no resources to deploy: %w", ErrInvalidArgument)
	}
	type parsed struct {
		res  Resource
		defs []*model.Definition
		sum  string
	}
	var all []parsed
	for _, r := range resources {
		ext := strings.ToLower(path.Ext(r.Name))
		if ext != ".bpmn" && ext != ".xml" {
			return 0, nil, fmt.Errorf("resource %q: only BPMN files (.bpmn) can be deployed: %w", r.Name, ErrInvalidArgument)
		}
		defs, err := model.Parse(r.Content)
		if err != nil {
			return 0, nil, fmt.Errorf("resource %q: %w: %w", r.Name, ErrInvalidArgument, err)
		}
		sum := sha256.Sum256(r.Content)
		all = append(all, parsed{res: r, defs: defs, sum: hex.EncodeToString(sum[:])})
	}
	var deploymentKey int64
	var out []DeployedProcess
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT nextval('engine_key_seq')`).Scan(&deploymentKey); err != nil {
			return fmt.Errorf("deployment key: %w", err)
		}
		for _, p := range all {
			for _, d := range p.defs {
				dp, err := deployOne(ctx, tx, d, p.res, p.sum)
				if err != nil {
					return err
				}
				out = append(out, dp)
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	for _, dp := range out {
		e.log.InfoContext(ctx, "process deployed", "bpmn_process_id", dp.ProcessID, "version", dp.Version, "key", dp.Key)
	}
	return deploymentKey, out, nil
}

func deployOne(ctx context.Context, tx pgx.Tx, d *model.Definition, r Resource, sum string) (DeployedProcess, error) {
	dp := DeployedProcess{ProcessID: d.ID, ResourceName: r.Name}
	// Serialize versioning per process id across concurrent deployments.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, d.ID); err != nil {
		return dp, fmt.Errorf("lock process id %s: %w", d.ID, err)
	}
	var latestKey int64
	var latestVersion int32
	var latestSum string
	err := tx.QueryRow(ctx, `SELECT key, version, checksum FROM process_definitions WHERE bpmn_process_id = $1
		ORDER BY version DESC LIMIT 1`, d.ID).Scan(&latestKey, &latestVersion, &latestSum)
	switch {
	case err == nil && latestSum == sum:
		dp.Key, dp.Version = latestKey, latestVersion
		return dp, nil
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return dp, fmt.Errorf("latest version of %s: %w", d.ID, err)
	}
	dp.Version = latestVersion + 1
	if err := tx.QueryRow(ctx, `INSERT INTO process_definitions (bpmn_process_id, version, name, resource_name, checksum, xml)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING key`, d.ID, dp.Version, d.Name, r.Name, sum, string(r.Content)).Scan(&dp.Key); err != nil {
		return dp, fmt.Errorf("store process %s: %w", d.ID, err)
	}
	return dp, nil
}
