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

// jwksCache holds the keys of a remote JWKS. A fetch happens when the cache is empty, when a
// token names an unknown kid (identity may have rotated), and in passing when the cache is
// older than maxAge — but never more often than minRefresh, so a stream of forged kids cannot
// hammer the identity service. Known keys keep verifying while one request refreshes a stale
// cache; stale keys stay in use when a refresh fails.
type jwksCache struct {
	url        string
	client     *http.Client
	maxAge     time.Duration
	minRefresh time.Duration
	now        func() time.Time

	fetchMu sync.Mutex // one fetch at a time; held around the HTTP request

	mu          sync.RWMutex // guards the fields below
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

// lookup returns the cached key for kid and whether the cache is stale.
func (c *jwksCache) lookup(kid string) (key *rsa.PublicKey, loaded, stale bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.keys[kid], c.keys != nil, c.now().Sub(c.fetchedAt) > c.maxAge
}

func (c *jwksCache) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if k, _, stale := c.lookup(kid); k != nil {
		if stale && c.fetchMu.TryLock() {
			// This request refreshes; concurrent ones go on with the cached keys.
			c.refresh(ctx)
			c.fetchMu.Unlock()
			if fresh, _, _ := c.lookup(kid); fresh != nil {
				return fresh, nil
			}
			return nil, fmt.Errorf("%w: kid %q is no longer published", ErrUnknownKey, kid)
		}
		return k, nil
	}
	// Empty cache or unknown kid: refresh once (rate-limited), waiting for a running fetch.
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if k, _, _ := c.lookup(kid); k != nil {
		return k, nil // a concurrent fetch found it
	}
	c.refresh(ctx)
	k, loaded, _ := c.lookup(kid)
	switch {
	case k != nil:
		return k, nil
	case !loaded:
		c.mu.RLock()
		defer c.mu.RUnlock()
		return nil, fmt.Errorf("%w: %w", ErrKeySetUnavailable, c.lastErr)
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

func (c *jwksCache) ready(ctx context.Context) error {
	if _, loaded, _ := c.lookup(""); loaded {
		return nil
	}
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if _, loaded, _ := c.lookup(""); !loaded {
		c.refresh(ctx)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.keys == nil {
		return fmt.Errorf("%w: %w", ErrKeySetUnavailable, c.lastErr)
	}
	return nil
}

// refresh fetches the key set unless the last attempt is more recent than minRefresh. A
// failed fetch keeps the previous keys. c.fetchMu must be held. The fetch is detached from
// the caller's cancellation so a client hanging up cannot poison the cache.
func (c *jwksCache) refresh(ctx context.Context) {
	now := c.now()
	c.mu.Lock()
	if !c.attemptedAt.IsZero() && now.Sub(c.attemptedAt) < c.minRefresh {
		if c.lastErr == nil && c.keys == nil {
			c.lastErr = errors.New("refresh rate-limited")
		}
		c.mu.Unlock()
		return
	}
	c.attemptedAt = now
	c.mu.Unlock()

	keys, err := c.fetch(context.WithoutCancel(ctx))

	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.lastErr = err
		return
	}
	c.keys, c.fetchedAt, c.lastErr = keys, now, nil
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
