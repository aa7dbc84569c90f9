// Command identity is the identity service: users, password login, RS256 access tokens,
// client-credentials tokens for services and the JWKS every service verifies with.
//
// "identity keygen -out FILE" writes a new private key instead of serving.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/migrations"
	"github.com/tmfcatalog/platform/services/identity/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/identity/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/identity/internal/adapters/signing"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "keygen" {
		if err := keygen(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "identity keygen: %v\n", err)
			os.Exit(1)
		}
		return
	}
	lifecycle.Main("identity", run)
}

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(envconfig.New(nil))
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "configuration", cfg.logAttrs()...)
	ring, err := loadRing(ctx, cfg, log)
	if err != nil {
		return err
	}
	fsys, err := migrations.For("identity")
	if err != nil {
		return err
	}
	pool, err := pgdb.Open(ctx, cfg.DatabaseURL, fsys)
	if err != nil {
		return fmt.Errorf("identity database: %w", err)
	}
	defer pool.Close()
	if lifecycle.MigrateOnly() {
		log.InfoContext(ctx, "database migrated")
		return nil
	}
	handler, svc, err := build(cfg, ring, pool, log)
	if err != nil {
		return err
	}
	if cfg.SeedUsers {
		created, err := svc.SeedDevUsers(ctx)
		if err != nil {
			return err
		}
		log.WarnContext(ctx, "dev users seeded (SEED_USERS=true): never enable this in production", "created", created)
	}
	return httpserver.Serve(ctx, cfg.HTTPAddr, handler, log)
}

// build wires the use cases and the HTTP adapter; component tests call it too.
func build(cfg config, ring *keys.Ring, pool *pgxpool.Pool, log *slog.Logger) (http.Handler, *app.Service, error) {
	svc, err := app.New(postgres.NewUsers(pool),
		signing.New(ring, cfg.Issuer, cfg.Audience, cfg.TTL, nil),
		app.Config{BcryptCost: cfg.BcryptCost, PerUsername: cfg.PerUsername, PerClientIP: cfg.PerClientIP, Clients: cfg.Clients})
	if err != nil {
		return nil, nil, err
	}
	pubPEM, err := ring.PublicPEM()
	if err != nil {
		return nil, nil, err
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: cfg.Issuer, Audience: cfg.Audience, PublicKeyPEM: pubPEM})
	if err != nil {
		return nil, nil, err
	}
	reg := health.New("identity")
	reg.Add("postgres", pgdb.Ping(pool))
	h, err := httpapi.NewRouter(httpapi.Deps{
		App: svc, Ring: ring, Verifier: verifier, Health: reg, TrustedProxies: cfg.TrustedProxies, Log: log,
	})
	if err != nil {
		return nil, nil, err
	}
	return h, svc, nil
}

// loadRing reads the configured keys; with none configured, DEV_MODE generates an ephemeral
// key (tokens die with the process).
func loadRing(ctx context.Context, cfg config, log *slog.Logger) (*keys.Ring, error) {
	files := cfg.KeyFiles
	if cfg.KeysDir != "" {
		var err error
		if files, err = keys.FilesInDir(cfg.KeysDir); err != nil {
			return nil, err
		}
	}
	if len(files) > 0 {
		ring, err := keys.LoadFiles(files)
		if err != nil {
			return nil, err
		}
		log.InfoContext(ctx, "signing keys loaded", "published", len(ring.Keys()), "signing_kid", ring.Signing().ID)
		return ring, nil
	}
	if !cfg.DevMode {
		return nil, errors.New("no signing key configured (JWT_PRIVATE_KEY_FILES or JWT_KEYS_DIR)")
	}
	log.WarnContext(ctx, "no signing key configured: generated an ephemeral key (DEV_MODE); tokens will not survive a restart — run make setup-keys")
	k, err := keys.Generate(2048)
	if err != nil {
		return nil, err
	}
	return keys.NewRing(k)
}
