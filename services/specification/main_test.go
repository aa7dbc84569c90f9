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
	if cfg.HTTPAddr != ":8003" || cfg.DatabaseURL != "postgres://postgres@127.0.0.1:5432/specification_db?sslmode=disable" ||
		!slices.Equal(cfg.Parts, []string{"api", "consumers", "workers"}) || cfg.CharacteristicURL != "http://127.0.0.1:8002" ||
		cfg.IdentityURL != "http://127.0.0.1:8001" || cfg.ClientID != "specification" || cfg.ClientSecret != "dev-secret-specification" ||
		cfg.ZeebeAddress != "127.0.0.1:26500" {
		t.Fatalf("defaults = %+v", cfg)
	}
}

func TestConfigReadsTheEnvironment(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(envconfig.FromMap(map[string]string{
		"RUN_PARTS": "workers", "CHARACTERISTIC_URL": "http://chars:8002", "SERVICE_CLIENT_SECRET": "s3cret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Parts, []string{"workers"}) || cfg.CharacteristicURL != "http://chars:8002" || cfg.ClientSecret != "s3cret" {
		t.Fatalf("config = %+v", cfg)
	}
}

func TestConfigRefusesUnknownParts(t *testing.T) {
	t.Parallel()
	if _, err := loadConfig(envconfig.FromMap(map[string]string{"RUN_PARTS": "api,cosumers"})); err == nil {
		t.Fatal("a misspelt part was accepted")
	}
}
