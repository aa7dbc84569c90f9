package app

import (
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// OfferingView is the reference OfferingRead shape plus the saga fields; HTTP responses and event payloads use it.
type OfferingView struct {
	ID                 string     `json:"id"`
	Name               string     `json:"name"`
	Description        *string    `json:"description"`
	SpecificationIDs   []string   `json:"specification_ids"`
	PricingIDs         []string   `json:"pricing_ids"`
	SalesChannels      []string   `json:"sales_channels"`
	LifecycleStatus    string     `json:"lifecycle_status"`
	Version            int64      `json:"version"`
	SagaID             *string    `json:"saga_id"`
	ProcessInstanceKey *int64     `json:"process_instance_key"`
	FailureReason      *string    `json:"failure_reason"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	PublishedAt        *time.Time `json:"published_at"`
	RetiredAt          *time.Time `json:"retired_at"`
}

// View converts an offering to its read shape.
func View(o domain.Offering) OfferingView {
	v := OfferingView{
		ID: o.ID.String(), Name: o.Name, Description: o.Description,
		SpecificationIDs: ids(o.SpecificationIDs), PricingIDs: ids(o.PricingIDs), SalesChannels: o.SalesChannels,
		LifecycleStatus: string(o.Status), Version: o.Version, ProcessInstanceKey: o.ProcessInstanceKey,
		FailureReason: o.FailureReason, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
		PublishedAt: utc(o.PublishedAt), RetiredAt: utc(o.RetiredAt),
	}
	if v.SalesChannels == nil {
		v.SalesChannels = []string{}
	}
	if o.SagaID.Valid {
		s := o.SagaID.UUID.String()
		v.SagaID = &s
	}
	return v
}

func ids(in []uuid.UUID) []string {
	out := make([]string, len(in))
	for i, id := range in {
		out[i] = id.String()
	}
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
