// Command gateway is the platform's single entry point on :8000: it routes /api/v1/* to the
// services, checks JWTs at the edge, guards every upstream with a circuit breaker, rate-limits
// clients, answers CORS, and serves the merged OpenAPI document and the docs page.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/services/gateway/internal/httpapi"
)

func main() {
	lifecycle.Main(httpapi.Service, run)
}

func run(ctx context.Context, log *slog.Logger) error {
	env := envconfig.New(nil)
	cfg := readConfig(env)
	vcfg := auth.ConfigFromEnv(env)
	if err := env.Err(); err != nil {
		return err
	}
	verifier, err := auth.NewVerifier(vcfg)
	if err != nil {
		return fmt.Errorf("token verifier: %w", err)
	}
	cfg.Gateway.Verifier = verifier
	if cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	cfg.log(ctx, log)
	gw, err := httpapi.New(cfg.Gateway, log)
	if err != nil {
		return err
	}
	defer gw.Close()
	return httpserver.Serve(ctx, cfg.Addr, gw, log)
}
