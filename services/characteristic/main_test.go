package main

import (
	"slices"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

func TestConfigDefaultsNeedNoEnvironment(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(envconfig.FromMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != ":8002" || cfg.DatabaseURL != "postgres://postgres@127.0.0.1:5432/characteristic_db?sslmode=disable" ||
		cfg.AMQPURL != "amqp://guest:guest@127.0.0.1:5672/" || cfg.EventNamespace != "" ||
		!slices.Equal(cfg.Parts, []string{"api", "consumers", "workers"}) ||
		cfg.Verifier.JWKSURL != "http://127.0.0.1:8001/.well-known/jwks.json" || cfg.Verifier.Issuer != "tmf-catalog-identity" {
		t.Fatalf("defaults = %+v", cfg)
	}
}

func TestConfigReadsTheEnvironment(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(envconfig.FromMap(map[string]string{
		"HTTP_ADDR": ":9999", "RUN_PARTS": "consumers", "EVENT_NAMESPACE": "t1", "JWT_AUDIENCE": "aud",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != ":9999" || !slices.Equal(cfg.Parts, []string{"consumers"}) || cfg.EventNamespace != "t1" || cfg.Verifier.Audience != "aud" {
		t.Fatalf("config = %+v", cfg)
	}
	if _, err := loadConfig(envconfig.FromMap(map[string]string{"JWT_LEEWAY": "soon"})); err == nil {
		t.Fatal("a malformed duration was accepted")
	}
}

func TestConfigRefusesUnknownParts(t *testing.T) {
	t.Parallel()
	if _, err := loadConfig(envconfig.FromMap(map[string]string{"RUN_PARTS": "api,cosumers"})); err == nil {
		t.Fatal("a misspelt part was accepted")
	}
}
