// Package writeapi reads the current state of the write services through their list endpoints
// (with a client-credentials service token): the source of the store's rebuild.
package writeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// pageSize is the largest page the write services' list endpoints accept.
const pageSize = 1000

// URLs are the base URLs of the write services.
type URLs struct {
	Characteristic, Specification, Pricing, Offering string
}

// Source implements app.Source over HTTP.
type Source struct {
	urls URLs
	hc   *http.Client
}

// New returns a source; hc should add the service token (auth.ServiceTokenSource.Transport).
func New(urls URLs, hc *http.Client) *Source {
	return &Source{urls: urls, hc: hc}
}

// list pages through base+path and decodes every item into T.
func list[T any](ctx context.Context, s *Source, base, path string) ([]T, error) {
	var all []T
	for skip := 0; ; skip += pageSize {
		u := strings.TrimRight(base, "/") + path + "?" + url.Values{
			"skip": {strconv.Itoa(skip)}, "limit": {strconv.Itoa(pageSize)},
		}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("build request %s: %w", u, err)
		}
		req.Header.Set("Accept", "application/json")
		res, err := s.hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", u, err)
		}
		body, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
		_ = res.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", u, err)
		}
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: status %d: %.200s", u, res.StatusCode, body)
		}
		var page []T
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("decode %s: %w", u, err)
		}
		all = append(all, page...)
		if len(page) < pageSize {
			return all, nil
		}
	}
}

type characteristicJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Value   string `json:"value"`
	Unit    string `json:"unit_of_measure"`
	Version int64  `json:"version"`
}

// Characteristics implements app.Source.
func (s *Source) Characteristics(ctx context.Context) ([]domain.Characteristic, error) {
	rows, err := list[characteristicJSON](ctx, s, s.urls.Characteristic, "/api/v1/characteristics")
	if err != nil {
		return nil, err
	}
	out := make([]domain.Characteristic, len(rows))
	for i, r := range rows {
		out[i] = domain.Characteristic{ID: r.ID, Name: r.Name, Value: r.Value, Unit: r.Unit, Version: r.Version}
	}
	return out, nil
}

type specificationJSON struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	CharacteristicIDs []string `json:"characteristic_ids"`
	Version           int64    `json:"version"`
}

// Specifications implements app.Source.
func (s *Source) Specifications(ctx context.Context) ([]domain.Specification, error) {
	rows, err := list[specificationJSON](ctx, s, s.urls.Specification, "/api/v1/specifications")
	if err != nil {
		return nil, err
	}
	out := make([]domain.Specification, len(rows))
	for i, r := range rows {
		out[i] = domain.Specification{ID: r.ID, Name: r.Name, CharacteristicIDs: r.CharacteristicIDs, Version: r.Version}
	}
	return out, nil
}

type priceJSON struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Value    json.Number `json:"value"`
	Unit     string      `json:"unit"`
	Currency string      `json:"currency"`
	Version  int64       `json:"version"`
}

// Prices implements app.Source.
func (s *Source) Prices(ctx context.Context) ([]domain.Price, error) {
	rows, err := list[priceJSON](ctx, s, s.urls.Pricing, "/api/v1/prices")
	if err != nil {
		return nil, err
	}
	out := make([]domain.Price, len(rows))
	for i, r := range rows {
		v, err := strconv.ParseFloat(string(r.Value), 64)
		if err != nil {
			return nil, fmt.Errorf("price %s: value %q: %w", r.ID, r.Value, err)
		}
		out[i] = domain.Price{ID: r.ID, Name: r.Name, Value: v, Unit: r.Unit, Currency: r.Currency, Version: r.Version}
	}
	return out, nil
}

type offeringJSON struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Description      *string    `json:"description"`
	SpecificationIDs []string   `json:"specification_ids"`
	PricingIDs       []string   `json:"pricing_ids"`
	SalesChannels    []string   `json:"sales_channels"`
	Status           string     `json:"lifecycle_status"`
	PublishedAt      *time.Time `json:"published_at"`
	Version          int64      `json:"version"`
}

// Offerings implements app.Source.
func (s *Source) Offerings(ctx context.Context) ([]domain.Offering, error) {
	rows, err := list[offeringJSON](ctx, s, s.urls.Offering, "/api/v1/offerings")
	if err != nil {
		return nil, err
	}
	out := make([]domain.Offering, len(rows))
	for i, r := range rows {
		o := domain.Offering{
			ID: r.ID, Name: r.Name, SpecificationIDs: r.SpecificationIDs, PricingIDs: r.PricingIDs,
			SalesChannels: r.SalesChannels, Status: domain.LifecycleStatus(r.Status), PublishedAt: r.PublishedAt, Version: r.Version,
		}
		if r.Description != nil {
			o.Description = *r.Description
		}
		out[i] = o
	}
	return out, nil
}
