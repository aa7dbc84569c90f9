package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls the platform's HTTP API with an optional bearer token.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// NewHTTPClient returns a keep-alive client sized for conc concurrent requests.
func NewHTTPClient(conc int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conc * 2
	tr.MaxIdleConnsPerHost = conc * 2
	tr.MaxConnsPerHost = 0
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// StatusError is an unexpected HTTP answer.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s = %d: %.200s", e.Method, e.Path, e.Status, e.Body)
}

// Do sends a JSON request and decodes a JSON answer into out when the status is want.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// Login gets a token for a user (form-encoded, as the API expects).
func (c *Client) Login(ctx context.Context, user, password string) (string, error) {
	form := url.Values{"username": {user}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/api/v1/auth/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return "", &StatusError{Method: "POST", Path: "/api/v1/auth/login", Status: resp.StatusCode, Body: string(b)}
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("login %s: no token (%v)", user, err)
	}
	return tok.AccessToken, nil
}

// Entity is the part of any catalog answer the benchmarks read.
type Entity struct {
	ID              string  `json:"id"`
	Version         int64   `json:"version"`
	LifecycleStatus string  `json:"lifecycle_status"`
	FailureReason   *string `json:"failure_reason"`
}

// CreateCharacteristic creates a characteristic.
func (c *Client) CreateCharacteristic(ctx context.Context, name string) (Entity, error) {
	var e Entity
	err := c.Do(ctx, http.MethodPost, "/api/v1/characteristics",
		map[string]any{"name": name, "value": "100", "unit_of_measure": "Mbps"}, &e, http.StatusCreated)
	return e, err
}

// CreateSpecification creates a specification of the characteristics.
func (c *Client) CreateSpecification(ctx context.Context, name string, charIDs ...string) (Entity, error) {
	var e Entity
	err := c.Do(ctx, http.MethodPost, "/api/v1/specifications",
		map[string]any{"name": name, "characteristic_ids": charIDs}, &e, http.StatusCreated)
	return e, err
}

// CreatePrice creates a monthly EUR price.
func (c *Client) CreatePrice(ctx context.Context, name, value string) (Entity, error) {
	var e Entity
	err := c.Do(ctx, http.MethodPost, "/api/v1/prices",
		map[string]any{"name": name, "value": value, "unit": "month", "currency": "EUR"}, &e, http.StatusCreated)
	return e, err
}

// CreateOffering creates a draft offering.
func (c *Client) CreateOffering(ctx context.Context, name string, specIDs, priceIDs []string) (Entity, error) {
	var e Entity
	err := c.Do(ctx, http.MethodPost, "/api/v1/offerings", map[string]any{
		"name": name, "description": "benchmark offering " + name, "specification_ids": specIDs,
		"pricing_ids": priceIDs, "sales_channels": []string{"online", "retail"},
	}, &e, http.StatusCreated)
	return e, err
}

// Publish starts the publication saga, retrying while the offering service has not yet seen
// the specifications and prices through events (it answers 400 until then).
func (c *Client) Publish(ctx context.Context, id string, patience time.Duration) error {
	deadline := time.Now().Add(patience)
	for {
		err := c.Do(ctx, http.MethodPost, "/api/v1/offerings/"+id+"/publish", nil, nil, http.StatusAccepted)
		if err == nil {
			return nil
		}
		se, ok := err.(*StatusError)
		if !ok || se.Status != http.StatusBadRequest || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Offering reads an offering.
func (c *Client) Offering(ctx context.Context, id string) (Entity, error) {
	var e Entity
	err := c.Do(ctx, http.MethodGet, "/api/v1/offerings/"+id, nil, &e, http.StatusOK)
	return e, err
}

// WaitStatus polls the offering every interval until it has status; it returns when the
// status was first seen.
func (c *Client) WaitStatus(ctx context.Context, id, status string, interval, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		e, err := c.Offering(ctx, id)
		if err == nil && e.LifecycleStatus == status {
			return time.Now(), nil
		}
		if err == nil && e.LifecycleStatus == "DRAFT" && e.FailureReason != nil {
			return time.Time{}, fmt.Errorf("offering %s went back to DRAFT: %s", id, *e.FailureReason)
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("offering %s not %s after %s (last %q, %v)", id, status, timeout, e.LifecycleStatus, err)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(interval):
		}
	}
}
