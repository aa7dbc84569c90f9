package edgeauth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
)

// Verifier checks a token's signature and claims; *auth.Verifier is the real one.
type Verifier interface {
	Verify(ctx context.Context, token string) (auth.Principal, error)
}

// Options tune the cache of verified tokens.
type Options struct {
	// CacheTTL is the longest a verified token is trusted without verifying it again; it is
	// also never trusted past its own exp. Zero disables the cache.
	CacheTTL time.Duration
	// CacheSize bounds the number of cached tokens (default 10000).
	CacheSize int
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Authenticator turns an Authorization header into a principal.
type Authenticator struct {
	v     Verifier
	ttl   time.Duration
	max   int
	now   func() time.Time
	mu    sync.RWMutex
	cache map[[sha256.Size]byte]entry
}

type entry struct {
	p     auth.Principal
	until time.Time
}

// New returns an Authenticator over v.
func New(v Verifier, o Options) *Authenticator {
	if o.CacheSize <= 0 {
		o.CacheSize = 10000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Authenticator{v: v, ttl: o.CacheTTL, max: o.CacheSize, now: o.Now,
		cache: make(map[[sha256.Size]byte]entry)}
}

// Authenticate verifies the bearer token in header. Errors wrap auth.ErrNoToken,
// auth.ErrInvalidToken or auth.ErrKeySetUnavailable.
func (a *Authenticator) Authenticate(ctx context.Context, header string) (auth.Principal, error) {
	tok, ok := BearerToken(header)
	if !ok {
		return auth.Principal{}, auth.ErrNoToken
	}
	if a.ttl <= 0 {
		return a.verify(ctx, tok)
	}
	key := tokenKey(tok)
	now := a.now()
	a.mu.RLock()
	e, hit := a.cache[key]
	a.mu.RUnlock()
	if hit && now.Before(e.until) {
		return e.p, nil
	}
	p, err := a.verify(ctx, tok)
	if err != nil {
		if hit {
			a.forget(key)
		}
		return auth.Principal{}, err
	}
	exp, expErr := Expiry(tok)
	if expErr != nil {
		return p, nil // accepted, but without a readable exp: not cached
	}
	until := now.Add(a.ttl)
	if exp.Before(until) {
		until = exp
	}
	a.remember(key, entry{p: p, until: until}, now)
	return p, nil
}

// tokenKey is the SHA-256 of tok. A token of ordinary size is copied to a stack buffer for
// hashing: []byte(tok) would allocate its length on every request.
func tokenKey(tok string) [sha256.Size]byte {
	var buf [2048]byte
	if len(tok) <= len(buf) {
		return sha256.Sum256(append(buf[:0], tok...))
	}
	return sha256.Sum256([]byte(tok))
}

func (a *Authenticator) forget(key [sha256.Size]byte) {
	a.mu.Lock()
	delete(a.cache, key)
	a.mu.Unlock()
}

// remember stores e; a full cache first drops expired entries, then everything if needed.
func (a *Authenticator) remember(key [sha256.Size]byte, e entry, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) >= a.max {
		for k, old := range a.cache {
			if !now.Before(old.until) {
				delete(a.cache, k)
			}
		}
		if len(a.cache) >= a.max {
			clear(a.cache)
		}
	}
	a.cache[key] = e
}

// Len reports how many tokens are cached (for tests and metrics).
func (a *Authenticator) Len() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return len(a.cache)
}

func (a *Authenticator) verify(ctx context.Context, tok string) (auth.Principal, error) {
	p, err := a.v.Verify(ctx, tok)
	if err != nil {
		return auth.Principal{}, fmt.Errorf("verify bearer token: %w", err)
	}
	return p, nil
}
