package httpapi

import (
	"net/http"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// specificationRequest is the SpecificationCreate / SpecificationUpdate body (both require
// every field); pointers tell a missing field from an empty one.
type specificationRequest struct {
	Name              *string   `json:"name"`
	CharacteristicIDs *[]string `json:"characteristic_ids"`
}

// specificationResponse is the SpecificationRead body (plus the row version).
type specificationResponse struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	CharacteristicIDs []string `json:"characteristic_ids"`
	Version           int64    `json:"version"`
	CreatedAt         string   `json:"created_at"`
	UpdatedAt         string   `json:"updated_at"`
}

// expandedResponse is SpecificationRead with the characteristics expanded (GET by id).
type expandedResponse struct {
	specificationResponse
	Characteristics []characteristicView `json:"characteristics"`
}

// characteristicView is one expanded characteristic, named as in CharacteristicRead.
type characteristicView struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Value         string `json:"value"`
	UnitOfMeasure string `json:"unit_of_measure"`
}

// decodeSpecification reads a create or replace body into a domain input.
func decodeSpecification(r *http.Request) (domain.Input, error) {
	var req specificationRequest
	if err := apierror.DecodeJSON(r, &req); err != nil {
		return domain.Input{}, err
	}
	verr := &apierror.ValidationError{}
	if req.Name == nil {
		verr.Add("name", "field required")
	}
	if req.CharacteristicIDs == nil {
		verr.Add("characteristic_ids", "field required")
	}
	if err := verr.OrNil(); err != nil {
		return domain.Input{}, err
	}
	return domain.Input{Name: *req.Name, CharacteristicIDs: *req.CharacteristicIDs}, nil
}

// decodeIDs reads the body of the validate route: a JSON array of ids.
func decodeIDs(r *http.Request) ([]string, error) {
	var ids []string
	if err := apierror.DecodeJSON(r, &ids); err != nil {
		return nil, err
	}
	if ids == nil {
		return nil, apierror.Invalid("body", "must be an array of specification ids")
	}
	return ids, nil
}

func toResponse(s domain.Specification) specificationResponse {
	ids := make([]string, len(s.CharacteristicIDs))
	for i, id := range s.CharacteristicIDs {
		ids[i] = id.String()
	}
	return specificationResponse{
		ID: s.ID.String(), Name: s.Name, CharacteristicIDs: ids, Version: s.Version,
		CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedAt: s.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}

func toExpanded(e app.Expanded) expandedResponse {
	out := expandedResponse{specificationResponse: toResponse(e.Specification), Characteristics: []characteristicView{}}
	for _, c := range e.Characteristics {
		out.Characteristics = append(out.Characteristics, characteristicView{
			ID: c.ID.String(), Name: c.Name, Value: c.Value, UnitOfMeasure: c.Unit,
		})
	}
	return out
}
