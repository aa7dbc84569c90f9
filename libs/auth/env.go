package auth

import (
	"os"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

// Defaults of the shared JWT settings.
const (
	DefaultIssuer   = "tmf-catalog-identity"
	DefaultAudience = "tmf-catalog"
	DefaultJWKSURL  = "http://127.0.0.1:8001/.well-known/jwks.json"
)

// ConfigFromEnv reads the verifier settings every service shares: JWT_ISSUER, JWT_AUDIENCE,
// JWT_PUBLIC_KEY_FILE (a PEM with one or more RSA public keys, for offline set-ups; when set it
// replaces the JWKS) or JWKS_URL, and JWT_LEEWAY. Problems are reported through r.Err().
func ConfigFromEnv(r *envconfig.Reader) VerifierConfig {
	cfg := VerifierConfig{
		Issuer:   r.String("JWT_ISSUER", DefaultIssuer),
		Audience: r.String("JWT_AUDIENCE", DefaultAudience),
		Leeway:   r.Duration("JWT_LEEWAY", DefaultLeeway),
	}
	if file := r.String("JWT_PUBLIC_KEY_FILE", ""); file != "" {
		pemBytes, err := os.ReadFile(file)
		r.Check(err == nil, "JWT_PUBLIC_KEY_FILE", "cannot read "+file)
		if err == nil {
			_, perr := ParsePublicKeysPEM(pemBytes)
			r.Check(perr == nil, "JWT_PUBLIC_KEY_FILE", "holds no usable RSA public key")
		}
		cfg.PublicKeyPEM = pemBytes
		return cfg
	}
	cfg.JWKSURL = r.String("JWKS_URL", DefaultJWKSURL)
	return cfg
}
