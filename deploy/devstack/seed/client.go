package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client talks to the platform through the gateway with an admin's bearer token.
type client struct {
	base  string
	http  *http.Client
	token string
}

// APIError is a response with an unexpected status.
type APIError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s = %d: %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// login exchanges username and password for an access token (OAuth2 password form).
func (c *client) login(ctx context.Context, user, password string) error {
	form := url.Values{"username": {user}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/auth/login", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("login at %s (is make dev running?): %w", c.base, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login as %s: %w", user, &APIError{Method: http.MethodPost, Path: "/api/v1/auth/login", Status: resp.StatusCode, Body: string(b)})
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		return fmt.Errorf("login as %s: no access token in %q", user, b)
	}
	c.token = tok.AccessToken
	return nil
}

// transient statuses are retried a few times: the gateway's breaker or rate limiter, a
// service restarting, or (for reads, which are safe to repeat) an internal error such as a
// timed-out call between services on a loaded machine.
func transient(method string, status int) bool {
	if method == http.MethodGet && status == http.StatusInternalServerError {
		return true
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// call sends a JSON request and decodes the answer into out when the status is want.
func (c *client) call(ctx context.Context, method, path string, body, out any, want int) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		payload = b
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			if err := pause(ctx, time.Duration(attempt)*300*time.Millisecond); err != nil {
				return err
			}
		}
		status, b, err := c.send(ctx, method, path, payload)
		if err != nil {
			return err
		}
		if status == want {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(b, out); err != nil {
				return fmt.Errorf("decode %s %s: %w", method, path, err)
			}
			return nil
		}
		lastErr = &APIError{Method: method, Path: path, Status: status, Body: string(b)}
		if !transient(method, status) {
			return lastErr
		}
	}
	return lastErr
}

func (c *client) send(ctx context.Context, method, path string, payload []byte) (int, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return resp.StatusCode, b, nil
}

// listAll reads every page of a list endpoint that answers a bare JSON array.
func listAll[T any](ctx context.Context, c *client, path string) ([]T, error) {
	const page = 1000
	var all []T
	for skip := 0; ; skip += page {
		var items []T
		if err := c.call(ctx, http.MethodGet, fmt.Sprintf("%s?skip=%d&limit=%d", path, skip, page), nil, &items, http.StatusOK); err != nil {
			return nil, fmt.Errorf("list %s: %w", path, err)
		}
		all = append(all, items...)
		if len(items) < page {
			return all, nil
		}
	}
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isStatus reports whether err is an APIError with the given status.
func isStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == status
}
