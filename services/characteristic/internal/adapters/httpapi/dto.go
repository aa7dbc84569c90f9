package httpapi

import (
	"net/http"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"

	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

// createRequest is the CharacteristicCreate body; pointers tell a missing field from an empty one.
type createRequest struct {
	Name          *string `json:"name"`
	Value         *string `json:"value"`
	UnitOfMeasure *string `json:"unit_of_measure"`
}

// updateRequest is the CharacteristicUpdate body: absent or null fields keep their value.
type updateRequest struct {
	Name          *string `json:"name"`
	Value         *string `json:"value"`
	UnitOfMeasure *string `json:"unit_of_measure"`
}

// characteristicResponse is the CharacteristicRead body (plus the row version).
type characteristicResponse struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Value         string `json:"value"`
	UnitOfMeasure string `json:"unit_of_measure"`
	Version       int64  `json:"version"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

// decodeCreate reads a create body into a domain input; missing fields are named in a 422.
func decodeCreate(r *http.Request) (domain.Input, error) {
	var req createRequest
	if err := apierror.DecodeJSON(r, &req); err != nil {
		return domain.Input{}, err
	}
	verr := &apierror.ValidationError{}
	required := []struct {
		field string
		value *string
	}{{"name", req.Name}, {"value", req.Value}, {"unit_of_measure", req.UnitOfMeasure}}
	for _, f := range required {
		if f.value == nil {
			verr.Add(f.field, "field required")
		}
	}
	if err := verr.OrNil(); err != nil {
		return domain.Input{}, err
	}
	return domain.Input{Name: *req.Name, Value: *req.Value, Unit: *req.UnitOfMeasure}, nil
}

// decodeUpdate reads an update body into a domain patch.
func decodeUpdate(r *http.Request) (domain.Patch, error) {
	var req updateRequest
	if err := apierror.DecodeJSON(r, &req); err != nil {
		return domain.Patch{}, err
	}
	return domain.Patch{Name: req.Name, Value: req.Value, Unit: req.UnitOfMeasure}, nil
}

func toResponse(c domain.Characteristic) characteristicResponse {
	return characteristicResponse{
		ID: c.ID.String(), Name: c.Name, Value: c.Value, UnitOfMeasure: string(c.Unit), Version: c.Version,
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}
