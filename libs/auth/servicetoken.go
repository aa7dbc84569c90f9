package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// TokenPath is the identity service's client-credentials endpoint.
const TokenPath = "/api/v1/auth/token"

// TokenResponse is the body of a successful login or token request.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// ServiceTokenSource obtains a SERVICE token with the client-credentials grant and caches it
// until shortly before it expires. It is safe for concurrent use; concurrent callers share one
// request.
type ServiceTokenSource struct {
	endpoint     string
	clientID     string
	clientSecret string
	hc           *http.Client
	now          func() time.Time

	mu      sync.Mutex
	token   string
	renewAt time.Time
}

// NewServiceTokenSource returns a source that asks identityURL (e.g. http://127.0.0.1:8001)
// for tokens. hc nil means a client with a 10 s timeout.
func NewServiceTokenSource(identityURL, clientID, clientSecret string, hc *http.Client) *ServiceTokenSource {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &ServiceTokenSource{
		endpoint: strings.TrimRight(identityURL, "/") + TokenPath,
		clientID: clientID, clientSecret: clientSecret, hc: hc, now: time.Now,
	}
}

// Token returns a valid access token, fetching a new one when the cached one is about to expire.
func (s *ServiceTokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.renewAt) {
		return s.token, nil
	}
	tr, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	lifetime := time.Duration(tr.ExpiresIn) * time.Second
	margin := min(lifetime/5, time.Minute)
	s.token, s.renewAt = tr.AccessToken, s.now().Add(lifetime-margin)
	return s.token, nil
}

// Invalidate drops the cached token, e.g. after a downstream service answered 401.
func (s *ServiceTokenSource) Invalidate() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

// TokenRequestError is returned when the identity service refuses a token request.
type TokenRequestError struct {
	Status int
	Body   string
}

func (e *TokenRequestError) Error() string {
	return fmt.Sprintf("service token request refused: status %d: %s", e.Status, e.Body)
}

func (s *ServiceTokenSource) fetch(ctx context.Context) (TokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return TokenResponse{}, fmt.Errorf("service token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(s.clientID), url.QueryEscape(s.clientSecret))
	resp, err := s.hc.Do(req)
	if err != nil {
		return TokenResponse{}, fmt.Errorf("service token request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return TokenResponse{}, fmt.Errorf("read service token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return TokenResponse{}, &TokenRequestError{Status: resp.StatusCode, Body: string(body)}
	}
	var tr TokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return TokenResponse{}, fmt.Errorf("decode service token: %w", err)
	}
	if tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return TokenResponse{}, fmt.Errorf("service token response lacks access_token or expires_in")
	}
	return tr, nil
}

// Transport returns a RoundTripper that adds "Authorization: Bearer <service token>" to every
// request without one, and drops the cached token when the answer is 401. base nil means
// http.DefaultTransport.
func (s *ServiceTokenSource) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "" {
			return base.RoundTrip(r)
		}
		tok, err := s.Token(r.Context())
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+tok)
		resp, err := base.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusUnauthorized {
			s.Invalidate()
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
