// Package characteristicclient looks characteristics up at the characteristic service over
// HTTP with a client-credentials service token; it implements app.Directory.
package characteristicclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// TokenSource returns a bearer token for service-to-service calls (auth.ServiceTokenSource).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Client implements app.Directory.
type Client struct {
	base   *url.URL
	tokens TokenSource
	hc     *http.Client
}

var _ app.Directory = (*Client)(nil)

// New returns a Client for the service at baseURL (e.g. http://127.0.0.1:8002). A nil hc
// gets a client with a 5 s timeout whose transport propagates the trace (W3C and B3 headers
// through the global propagator).
func New(baseURL string, tokens TokenSource, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("characteristic service url %q is not an absolute URL", baseURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second, Transport: tracing.Transport(http.DefaultTransport)}
	}
	return &Client{base: u, tokens: tokens, hc: hc}, nil
}

// characteristicRead is the part of the characteristic service's read shape we keep.
type characteristicRead struct {
	ID            uuid.UUID `json:"id"`
	Name          string    `json:"name"`
	Value         string    `json:"value"`
	UnitOfMeasure string    `json:"unit_of_measure"`
	Version       int64     `json:"version"`
}

// invalidator is implemented by token sources that can drop a cached token
// (auth.ServiceTokenSource).
type invalidator interface{ Invalidate() }

// Lookup implements app.Directory: 200 → found, 404 → not found, anything else → error. A 401
// drops the cached service token and tries once more with a fresh one.
func (c *Client) Lookup(ctx context.Context, id uuid.UUID) (domain.Characteristic, bool, error) {
	for attempt := 1; ; attempt++ {
		ch, found, status, err := c.lookup(ctx, id)
		if status == http.StatusUnauthorized && attempt == 1 {
			if inv, ok := c.tokens.(invalidator); ok {
				inv.Invalidate()
				continue
			}
		}
		return ch, found, err
	}
}

func (c *Client) lookup(ctx context.Context, id uuid.UUID) (domain.Characteristic, bool, int, error) {
	token, err := c.tokens.Token(ctx)
	if err != nil {
		return domain.Characteristic{}, false, 0, fmt.Errorf("service token: %w", err)
	}
	u := c.base.JoinPath("/api/v1/characteristics", id.String())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return domain.Characteristic{}, false, 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if cid := correlation.FromContext(ctx); cid != "" {
		req.Header.Set(correlation.Header, cid)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return domain.Characteristic{}, false, 0, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return domain.Characteristic{}, false, resp.StatusCode, nil
	default:
		return domain.Characteristic{}, false, resp.StatusCode, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	var body characteristicRead
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return domain.Characteristic{}, false, resp.StatusCode, fmt.Errorf("GET %s: decode: %w", u, err)
	}
	if body.ID != id {
		return domain.Characteristic{}, false, resp.StatusCode, fmt.Errorf("GET %s: answered id %s", u, body.ID)
	}
	return domain.Characteristic{
		ID: body.ID, Name: body.Name, Value: body.Value, Unit: body.UnitOfMeasure, Version: body.Version,
	}, true, resp.StatusCode, nil
}
