// Package zeebe holds the pricing job workers of the offering-publication saga.
package zeebe

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// Job types owned by the pricing service.
const (
	JobLockPrices   = "lock-prices"
	JobUnlockPrices = "unlock-prices"
)

// Register adds the pricing handlers to w.
func Register(w *sagaworker.Workers, svc *app.Service) {
	w.Handle(JobLockPrices, LockPrices(svc))
	w.Handle(JobUnlockPrices, UnlockPrices(svc))
}

// LockPrices holds every price of price_ids for saga_id (and offering_id), all or nothing.
// A missing price or bad input is a business error (compensation); anything else is retried.
func LockPrices(svc *app.Service) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		saga, err := parseID(job, "saga_id")
		if err != nil {
			return nil, err
		}
		offering := uuid.NullUUID{}
		if s := job.String("offering_id"); s != "" {
			id, err := uuid.Parse(s)
			if err != nil {
				return nil, sagaworker.BusinessError(fmt.Sprintf("offering_id %q is not a UUID", s))
			}
			offering = uuid.NullUUID{UUID: id, Valid: true}
		}
		var ids []uuid.UUID
		for _, s := range job.Strings("price_ids") {
			id, err := uuid.Parse(s)
			if err != nil {
				return nil, sagaworker.BusinessError(fmt.Sprintf("price id %q is not a UUID", s))
			}
			ids = append(ids, id)
		}
		_, err = svc.LockPrices(ctx, app.LockCommand{SagaID: saga, OfferingID: offering, PriceIDs: ids})
		var missing *domain.MissingPricesError
		switch {
		case errors.As(err, &missing):
			return nil, sagaworker.BusinessError(missing.Error())
		case errors.Is(err, app.ErrNoPrices):
			return nil, sagaworker.BusinessError(app.ErrNoPrices.Error())
		case err != nil:
			return nil, err
		}
		return nil, nil
	}
}

// UnlockPrices releases every hold of saga_id (compensation); holds of other sagas stay. Idempotent.
func UnlockPrices(svc *app.Service) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		saga, err := parseID(job, "saga_id")
		if err != nil {
			return nil, err
		}
		if _, err := svc.UnlockPrices(ctx, saga, nil); err != nil {
			return nil, err
		}
		return nil, nil
	}
}

func parseID(job sagaworker.Job, name string) (uuid.UUID, error) {
	s := job.String(name)
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, sagaworker.BusinessError(fmt.Sprintf("%s %q is not a UUID", name, s))
	}
	return id, nil
}
