// Package api is a small HTTP client for the platform's REST API, usable from tests and from
// the chaos command alike (it reports errors instead of failing a test).
package api

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

// Client calls one base URL (the gateway or a service) with an optional bearer token.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// New returns a client for base with a bounded per-request timeout.
func New(base string) *Client {
	return &Client{Base: base, HTTP: &http.Client{Timeout: 20 * time.Second}}
}

// As returns a copy of c that sends token.
func (c *Client) As(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// At returns a copy of c aimed at another base URL, with the same token.
func (c *Client) At(base string) *Client {
	cp := *c
	cp.Base = base
	return &cp
}

// Response is a fully read answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the body into v.
func (r Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode %d %.200s: %w", r.Status, r.Body, err)
	}
	return nil
}

// OK reports a 2xx status.
func (r Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

func (r Response) String() string { return fmt.Sprintf("%d %.300s", r.Status, r.Body) }

// Raw sends body as is with the given Content-Type ("" sends none); headers are name, value pairs.
func (c *Client) Raw(ctx context.Context, method, path, contentType string, body []byte, headers ...string) (Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return Response{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// JSON sends v (nil: no body) as JSON.
func (c *Client) JSON(ctx context.Context, method, path string, v any, headers ...string) (Response, error) {
	if v == nil {
		return c.Raw(ctx, method, path, "", nil, headers...)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return Response{}, err
	}
	return c.Raw(ctx, method, path, "application/json", b, headers...)
}

// Expect performs a JSON request and returns an error unless the status is want; out (if not
// nil) receives the decoded body.
func (c *Client) Expect(ctx context.Context, want int, method, path string, v, out any) (Response, error) {
	r, err := c.JSON(ctx, method, path, v)
	if err != nil {
		return r, err
	}
	if r.Status != want {
		return r, fmt.Errorf("%s %s = %s, want %d", method, path, r, want)
	}
	if out != nil {
		return r, r.Decode(out)
	}
	return r, nil
}

// tokenAnswer is the identity service's token response.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
}

// Login obtains a user's access token with a password login (form-encoded, as the web app does).
func (c *Client) Login(ctx context.Context, username, password string) (string, error) {
	form := url.Values{"username": {username}, "password": {password}}
	r, err := c.Raw(ctx, http.MethodPost, "/api/v1/auth/login", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return "", err
	}
	return tokenFrom(r, "login "+username)
}

// ServiceToken obtains a client-credentials token.
func (c *Client) ServiceToken(ctx context.Context, clientID, secret string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	r, err := c.Raw(ctx, http.MethodPost, "/api/v1/auth/token", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return "", err
	}
	return tokenFrom(r, "client credentials "+clientID)
}

func tokenFrom(r Response, what string) (string, error) {
	if r.Status != http.StatusOK {
		return "", fmt.Errorf("%s = %s", what, r)
	}
	var tok tokenAnswer
	if err := r.Decode(&tok); err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", errors.New(what + ": empty access_token")
	}
	return tok.AccessToken, nil
}

// ErrorEnvelope is the platform's error body.
type ErrorEnvelope struct {
	Error *struct {
		Code          string            `json:"code"`
		Message       string            `json:"message"`
		Details       []json.RawMessage `json:"details"`
		CorrelationID string            `json:"correlation_id"`
	} `json:"error"`
}

// CheckEnvelope returns "" when r carries a well-formed error envelope, else what is wrong.
func CheckEnvelope(r Response) string {
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		return fmt.Sprintf("Content-Type %q is not JSON (body %.200s)", ct, r.Body)
	}
	var env ErrorEnvelope
	if err := json.Unmarshal(r.Body, &env); err != nil {
		return fmt.Sprintf("body is not JSON: %.200s", r.Body)
	}
	if env.Error == nil || env.Error.Code == "" || env.Error.Message == "" {
		return fmt.Sprintf("no error.code/error.message in %.300s", r.Body)
	}
	return ""
}
