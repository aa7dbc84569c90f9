package zeebe

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// Job types owned by the offering service.
const (
	JobConfirmPublication = "confirm-publication"
	JobRevertToDraft      = "revert-offering-to-draft"
)

// Register adds the offering handlers to w.
func Register(w *sagaworker.Workers, svc *app.Service) {
	w.Handle(JobConfirmPublication, ConfirmPublication(svc))
	w.Handle(JobRevertToDraft, RevertToDraft(svc))
}

func ids(job sagaworker.Job) (offering, saga uuid.UUID, err error) {
	if offering, err = uuid.Parse(job.String("offering_id")); err != nil {
		return uuid.Nil, uuid.Nil, sagaworker.BusinessError(fmt.Sprintf("offering_id %q is not a UUID", job.String("offering_id")))
	}
	if saga, err = uuid.Parse(job.String("saga_id")); err != nil {
		return uuid.Nil, uuid.Nil, sagaworker.BusinessError(fmt.Sprintf("saga_id %q is not a UUID", job.String("saga_id")))
	}
	return offering, saga, nil
}

// ConfirmPublication moves the offering to PUBLISHED (idempotent). An offering that is gone, belongs to another
// saga or is no longer PUBLISHING is a business error, so the saga compensates.
func ConfirmPublication(svc *app.Service) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		offering, saga, err := ids(job)
		if err != nil {
			return nil, err
		}
		_, err = svc.ConfirmPublication(ctx, offering, uuid.NullUUID{UUID: saga, Valid: true})
		var terr *domain.TransitionError
		var serr *domain.SagaMismatchError
		switch {
		case errors.Is(err, domain.ErrNotFound), errors.As(err, &terr), errors.As(err, &serr):
			return nil, sagaworker.BusinessError(err.Error())
		case err != nil:
			return nil, err
		}
		return nil, nil
	}
}

// RevertToDraft moves the offering back to DRAFT with the saga's failure_reason (idempotent). Nothing to revert
// (offering gone, or a newer saga owns it) completes the job; other refusals are retried until an operator looks.
func RevertToDraft(svc *app.Service) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		offering, saga, err := ids(job)
		if err != nil {
			return nil, err
		}
		reason := job.String(sagaworker.VarFailureReason)
		if reason == "" {
			reason = "publication failed"
			if step := job.String(sagaworker.VarFailedStep); step != "" {
				reason += " at " + step
			}
		}
		_, err = svc.FailPublication(ctx, offering, uuid.NullUUID{UUID: saga, Valid: true}, reason)
		var serr *domain.SagaMismatchError
		switch {
		case errors.Is(err, domain.ErrNotFound), errors.As(err, &serr):
			return map[string]any{"revert_skipped": err.Error()}, nil
		case err != nil:
			return nil, err
		}
		return nil, nil
	}
}
