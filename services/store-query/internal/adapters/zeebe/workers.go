// Package zeebe registers the store's saga job workers: create-store-entry and its
// compensation delete-store-entry. Both call the projector in-process and are idempotent.
package zeebe

import (
	"context"

	"github.com/tmfcatalog/platform/libs/sagaworker"
)

// Job types the store owns.
const (
	JobCreateStoreEntry = "create-store-entry"
	JobDeleteStoreEntry = "delete-store-entry"
)

// Steps is the use case port the workers drive.
type Steps interface {
	CreateStoreEntry(ctx context.Context, offeringID string, specIDs, priceIDs []string) error
	DeleteStoreEntry(ctx context.Context, offeringID string) error
}

// Register adds the store's handlers to w.
func Register(w *sagaworker.Workers, s Steps) {
	w.Handle(JobCreateStoreEntry, CreateStoreEntry(s))
	w.Handle(JobDeleteStoreEntry, DeleteStoreEntry(s))
}

// CreateStoreEntry handles create-store-entry. A job without an offering id cannot ever
// succeed, so it is a business error (the saga compensates); everything else is technical
// and retried with backoff (e.g. a replica whose event has not arrived yet).
func CreateStoreEntry(s Steps) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		id := job.String("offering_id")
		if id == "" {
			return nil, sagaworker.BusinessError("create-store-entry: job has no offering_id")
		}
		var specs, prices []string
		if _, ok := job.Variables["specification_ids"]; ok {
			specs = job.Strings("specification_ids")
		}
		if _, ok := job.Variables["price_ids"]; ok {
			prices = job.Strings("price_ids")
		}
		if err := s.CreateStoreEntry(ctx, id, specs, prices); err != nil {
			return nil, err
		}
		return map[string]any{"store_entry_created": true}, nil
	}
}

// DeleteStoreEntry handles the delete-store-entry compensation.
func DeleteStoreEntry(s Steps) sagaworker.Handler {
	return func(ctx context.Context, job sagaworker.Job) (map[string]any, error) {
		id := job.String("offering_id")
		if id == "" {
			return nil, sagaworker.BusinessError("delete-store-entry: job has no offering_id")
		}
		if err := s.DeleteStoreEntry(ctx, id); err != nil {
			return nil, err
		}
		return map[string]any{"store_entry_deleted": true}, nil
	}
}
