// Package zeebe holds the specification service's saga job worker for the offering
// publication process: validate-specifications.
package zeebe

import (
	"context"
	"errors"

	"github.com/tmfcatalog/platform/libs/sagaworker"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// JobType is the BPMN service task this worker serves.
const JobType = "validate-specifications"

// Validator is the use case the worker calls in-process.
type Validator interface {
	ValidateExisting(ctx context.Context, ids []string) error
}

// Handler checks that every id in the job's specification_ids exists. A missing one is a
// business error ("specification <id> not found") that sends the saga to compensation;
// any other error fails the job so that it is retried.
func Handler(v Validator) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		err := v.ValidateExisting(ctx, job.Strings("specification_ids"))
		var missing *domain.MissingSpecificationsError
		if errors.As(err, &missing) {
			return nil, sagaworker.BusinessError("specification " + missing.IDs[0] + " not found")
		}
		if err != nil {
			return nil, err
		}
		return nil, nil
	}
}

// Register adds the worker's handler to w.
func Register(w *sagaworker.Workers, v Validator) {
	w.Handle(JobType, Handler(v))
}
