package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

// parts says which parts of the service this process runs (RUN_PARTS).
type parts struct{ API, Consumers, Workers bool }

type config struct {
	HTTPAddr     string
	DatabaseURL  string
	AMQPURL      string
	Namespace    string
	ZeebeAddress string
	Parts        parts
	Verifier     auth.VerifierConfig
}

// loadConfig reads the environment (lookup nil = os.LookupEnv) and reports every bad variable at once.
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	env := envconfig.New(lookup)
	c := config{
		HTTPAddr:     env.String("HTTP_ADDR", ":8004"),
		DatabaseURL:  env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pricing_db?sslmode=disable"),
		AMQPURL:      env.String("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
		Namespace:    env.String("EVENT_NAMESPACE", ""),
		ZeebeAddress: env.String("ZEEBE_ADDRESS", "127.0.0.1:26500"),
	}
	c.Verifier = verifierConfig(env)
	list := env.List("RUN_PARTS", []string{"api", "consumers", "workers"})
	if err := env.Err(); err != nil {
		return config{}, err
	}
	if file := c.Verifier.JWKSURL; strings.HasPrefix(file, "file:") {
		pem, err := os.ReadFile(strings.TrimPrefix(file, "file:"))
		if err != nil {
			return config{}, fmt.Errorf("JWT_PUBLIC_KEY_FILE: %w", err)
		}
		c.Verifier.JWKSURL, c.Verifier.PublicKeyPEM = "", pem
	}
	for _, p := range list {
		if !slices.Contains([]string{"api", "consumers", "workers"}, p) {
			return config{}, fmt.Errorf("RUN_PARTS: unknown part %q (want api, consumers, workers)", p)
		}
	}
	c.Parts = parts{API: slices.Contains(list, "api"), Consumers: slices.Contains(list, "consumers"), Workers: slices.Contains(list, "workers")}
	return c, nil
}

// verifierConfig reads JWKS_URL or JWT_PUBLIC_KEY_FILE (the file wins; read after env checks), JWT_ISSUER, JWT_AUDIENCE.
func verifierConfig(env *envconfig.Reader) auth.VerifierConfig {
	c := auth.VerifierConfig{
		Issuer:   env.String("JWT_ISSUER", "tmf-catalog-identity"),
		Audience: env.String("JWT_AUDIENCE", "tmf-catalog"),
		JWKSURL:  env.String("JWKS_URL", "http://127.0.0.1:8001/.well-known/jwks.json"),
	}
	if file := env.String("JWT_PUBLIC_KEY_FILE", ""); file != "" {
		c.JWKSURL = "file:" + file
	}
	return c
}
