package app

import (
	"time"

	"github.com/tmfcatalog/platform/services/pricing/internal/domain"
)

// PriceView is the reference PriceRead shape, used for HTTP responses and event payloads alike.
type PriceView struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Value          string    `json:"value"`
	Unit           string    `json:"unit"`
	Currency       string    `json:"currency"`
	Locked         bool      `json:"locked"`
	LockedBySagaID *string   `json:"locked_by_saga_id"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// View converts a price to its read shape.
func View(p domain.Price) PriceView {
	v := PriceView{
		ID: p.ID.String(), Name: p.Name, Value: p.Value.String(), Unit: p.Unit, Currency: string(p.Currency),
		Locked: p.Locked(), Version: p.Version, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
	}
	if saga, ok := p.LockedBy(); ok {
		s := saga.String()
		v.LockedBySagaID = &s
	}
	return v
}
