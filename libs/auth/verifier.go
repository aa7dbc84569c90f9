package auth

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Defaults applied by NewVerifier to zero fields of VerifierConfig.
const (
	DefaultLeeway           = 30 * time.Second
	DefaultJWKSMaxAge       = 5 * time.Minute
	DefaultJWKSMinRefresh   = 5 * time.Second
	defaultJWKSFetchTimeout = 5 * time.Second
	maxTokenBytes           = 8 << 10
	maxJWKSBytes            = 1 << 20
)

// VerifierConfig says where the verification keys come from and which tokens are acceptable.
// Exactly one of JWKSURL and PublicKeyPEM must be set.
type VerifierConfig struct {
	// Issuer is the required "iss" claim.
	Issuer string
	// Audience must be one of the token's "aud" values.
	Audience string
	// JWKSURL is the identity service's /.well-known/jwks.json.
	JWKSURL string
	// PublicKeyPEM holds one or more RSA public keys (offline set-ups); kid = KeyID(key).
	PublicKeyPEM []byte
	// PublicKeyFile names a PEM file read by NewVerifier into PublicKeyPEM (JWT_PUBLIC_KEY_FILE).
	PublicKeyFile string
	// Leeway is the clock skew tolerated on exp, nbf and iat (DefaultLeeway when zero).
	Leeway time.Duration
	// HTTPClient fetches the JWKS (a client with a 5 s timeout when nil).
	HTTPClient *http.Client
	// JWKSMaxAge is how long a fetched key set is used before it is fetched again on the next
	// request (DefaultJWKSMaxAge when zero).
	JWKSMaxAge time.Duration
	// JWKSMinRefresh is the minimum time between two fetches, which bounds the refreshes that
	// tokens with unknown kids can cause (DefaultJWKSMinRefresh when zero).
	JWKSMinRefresh time.Duration
}

// Validate reports every missing or contradictory field.
func (c VerifierConfig) Validate() error {
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("issuer is required"))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("audience is required"))
	}
	sources := 0
	for _, set := range []bool{c.JWKSURL != "", len(c.PublicKeyPEM) != 0, c.PublicKeyFile != ""} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		errs = append(errs, errors.New("either a JWKS URL or a public key PEM is required"))
	case sources > 1:
		errs = append(errs, errors.New("set one of JWKS URL, public key PEM, public key file"))
	}
	if c.Leeway < 0 || c.JWKSMaxAge < 0 || c.JWKSMinRefresh < 0 {
		errs = append(errs, errors.New("durations must not be negative"))
	}
	return errors.Join(errs...)
}

// Verifier checks access tokens: RS256 only, signature by a published key (by kid), exp
// required, nbf/iat honoured, issuer and audience checked. It is safe for concurrent use.
type Verifier struct {
	parser *jwt.Parser
	keys   keySource
}

type keySource interface {
	key(ctx context.Context, kid string) (*rsa.PublicKey, error)
	ready(ctx context.Context) error
}

// NewVerifier validates cfg and returns a Verifier. With a JWKS URL nothing is fetched yet:
// the key set is loaded on first use, so services start while identity is still starting.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("verifier config: %w", err)
	}
	if cfg.PublicKeyFile != "" {
		pemBytes, err := os.ReadFile(cfg.PublicKeyFile)
		if err != nil {
			return nil, fmt.Errorf("verifier public key: %w", err)
		}
		cfg.PublicKeyPEM, cfg.PublicKeyFile = pemBytes, ""
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	v := &Verifier{parser: jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithLeeway(cfg.Leeway),
	)}
	if len(cfg.PublicKeyPEM) != 0 {
		pubs, err := ParsePublicKeysPEM(cfg.PublicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("verifier public key: %w", err)
		}
		static := staticKeys{}
		for _, p := range pubs {
			static[KeyID(p)] = p
		}
		v.keys = static
		return v, nil
	}
	v.keys = newJWKSCache(cfg)
	return v, nil
}

// Verify checks token and returns its principal. Errors wrap ErrInvalidToken (with
// ErrUnknownKey when the kid is not published), ErrNoToken for an empty token, or
// ErrKeySetUnavailable when the keys could not be loaded.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, ErrNoToken
	}
	if len(token) > maxTokenBytes {
		return Principal{}, fmt.Errorf("%w: token of %d bytes is too long", ErrInvalidToken, len(token))
	}
	var claims Claims
	_, err := v.parser.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, fmt.Errorf("%w: token has no kid", ErrUnknownKey)
		}
		return v.keys.key(ctx, kid)
	})
	if err != nil {
		if errors.Is(err, ErrKeySetUnavailable) {
			return Principal{}, err
		}
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Subject == "" {
		return Principal{}, fmt.Errorf("%w: sub claim is empty", ErrInvalidToken)
	}
	if !ValidRole(claims.Role) {
		return Principal{}, fmt.Errorf("%w: role %q is not known", ErrInvalidToken, claims.Role)
	}
	return claims.Principal(), nil
}

// Ready loads the key set if needed and reports whether verification keys are available; its
// signature fits a health check.
func (v *Verifier) Ready(ctx context.Context) error { return v.keys.ready(ctx) }

type staticKeys map[string]*rsa.PublicKey

func (s staticKeys) key(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

func (s staticKeys) ready(context.Context) error { return nil }
