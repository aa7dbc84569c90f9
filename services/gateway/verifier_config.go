package main

import (
	"os"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

// verifierConfig reads the shared JWT settings: JWKS_URL (default identity's JWKS) or
// JWT_PUBLIC_KEY_FILE for offline set-ups, JWT_ISSUER, JWT_AUDIENCE.
func verifierConfig(env *envconfig.Reader) auth.VerifierConfig {
	cfg := auth.VerifierConfig{
		Issuer:   env.String("JWT_ISSUER", "tmf-catalog-identity"),
		Audience: env.String("JWT_AUDIENCE", "tmf-catalog"),
	}
	if file := env.String("JWT_PUBLIC_KEY_FILE", ""); file != "" {
		pem, err := os.ReadFile(file)
		env.Check(err == nil, "JWT_PUBLIC_KEY_FILE", "cannot read the key file")
		cfg.PublicKeyPEM = pem
		return cfg
	}
	cfg.JWKSURL = env.String("JWKS_URL", "http://127.0.0.1:8001/.well-known/jwks.json")
	return cfg
}
