package auth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// jwksCache holds the keys of a remote JWKS. A fetch happens when the cache is empty, older
// than maxAge, or a token names an unknown kid — but never more often than minRefresh, so a
// stream of forged kids cannot hammer the identity service. Stale keys stay in use when a
// refresh fails.
type jwksCache struct {
	url        string
	client     *http.Client
	maxAge     time.Duration
	minRefresh time.Duration
	now        func() time.Time

	mu          sync.Mutex // serialises fetches; guards the fields below
	keys        map[string]*rsa.PublicKey
	fetchedAt   time.Time // last successful fetch
	attemptedAt time.Time // last fetch attempt
	lastErr     error
}

func newJWKSCache(cfg VerifierConfig) *jwksCache {
	c := &jwksCache{
		url: cfg.JWKSURL, client: cfg.HTTPClient,
		maxAge: cfg.JWKSMaxAge, minRefresh: cfg.JWKSMinRefresh, now: time.Now,
	}
	if c.client == nil {
		c.client = &http.Client{Timeout: defaultJWKSFetchTimeout}
	}
	if c.maxAge == 0 {
		c.maxAge = DefaultJWKSMaxAge
	}
	if c.minRefresh == 0 {
		c.minRefresh = DefaultJWKSMinRefresh
	}
	return c
}

func (c *jwksCache) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.keys == nil || now.Sub(c.fetchedAt) > c.maxAge {
		c.refreshLocked(ctx, now)
	}
	if k, ok := c.keys[kid]; ok {
		return k, nil
	}
	// Unknown kid: the identity service may have rotated keys. Refresh once, rate-limited.
	if c.refreshLocked(ctx, now) {
		if k, ok := c.keys[kid]; ok {
			return k, nil
		}
	}
	if c.keys == nil {
		return nil, fmt.Errorf("%w: %w", ErrKeySetUnavailable, c.lastErr)
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

func (c *jwksCache) ready(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.refreshLocked(ctx, c.now())
	}
	if c.keys == nil {
		return fmt.Errorf("%w: %w", ErrKeySetUnavailable, c.lastErr)
	}
	return nil
}

// refreshLocked fetches the key set unless the last attempt is more recent than minRefresh.
// It reports whether a fetch succeeded. c.mu must be held.
func (c *jwksCache) refreshLocked(ctx context.Context, now time.Time) bool {
	if !c.attemptedAt.IsZero() && now.Sub(c.attemptedAt) < c.minRefresh {
		if c.lastErr == nil {
			c.lastErr = errors.New("refresh rate-limited")
		}
		return false
	}
	c.attemptedAt = now
	keys, err := c.fetch(ctx)
	if err != nil {
		c.lastErr = err
		return false
	}
	c.keys, c.fetchedAt, c.lastErr = keys, now, nil
	return true
}

func (c *jwksCache) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, defaultJWKSFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch jwks: status %d", resp.StatusCode)
	}
	var set JWKSet
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJWKSBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode jwks: %w", err)
	}
	keys := make(map[string]*rsa.PublicKey, len(set.Keys))
	var skipped []error
	for _, k := range set.Keys {
		if k.Kid == "" {
			skipped = append(skipped, errors.New("jwk without kid"))
			continue
		}
		pub, err := k.PublicKey()
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("jwks has no usable RSA signing key: %w", errors.Join(skipped...))
	}
	return keys, nil
}
