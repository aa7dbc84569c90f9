// Command specification runs the specification service: the /api/v1/specifications API
// (with its outbox relay), the consumer that replicates characteristics and learns offering
// states, and the validate-specifications saga worker. RUN_PARTS chooses the parts.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/specification/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/characteristicclient"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/specification/internal/app"
)

func main() { lifecycle.Main(httpapi.ServiceName, run) }

// knownParts are the values RUN_PARTS may list.
var knownParts = []string{"api", "consumers", "workers"}

// config is everything the service reads from the environment.
type config struct {
	HTTPAddr          string
	DatabaseURL       string
	AMQPURL           string
	EventNamespace    string
	Parts             []string
	Verifier          auth.VerifierConfig
	IdentityURL       string
	ClientID          string
	ClientSecret      string
	CharacteristicURL string
	ZeebeAddress      string
}

// loadConfig reads the configuration through env (envconfig.New(nil) reads the process
// environment); every bad value is reported at once.
func loadConfig(env *envconfig.Reader) (config, error) {
	cfg := config{
		HTTPAddr:          env.String("HTTP_ADDR", ":8003"),
		DatabaseURL:       env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/specification_db?sslmode=disable"),
		AMQPURL:           env.String("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
		EventNamespace:    env.String("EVENT_NAMESPACE", ""),
		Parts:             env.List("RUN_PARTS", []string{"api", "consumers", "workers"}),
		Verifier:          auth.ConfigFromEnv(env),
		IdentityURL:       env.String("IDENTITY_URL", "http://127.0.0.1:8001"),
		ClientID:          env.String("SERVICE_CLIENT_ID", httpapi.ServiceName),
		ClientSecret:      env.String("SERVICE_CLIENT_SECRET", "dev-secret-"+httpapi.ServiceName),
		CharacteristicURL: env.String("CHARACTERISTIC_URL", "http://127.0.0.1:8002"),
		ZeebeAddress:      env.String("ZEEBE_ADDRESS", "127.0.0.1:26500"),
	}
	for _, part := range cfg.Parts {
		env.Check(slices.Contains(knownParts, part), "RUN_PARTS", "unknown part "+part+" (want api, consumers, workers)")
	}
	env.Check(len(cfg.Parts) > 0, "RUN_PARTS", "names no part")
	if err := env.Err(); err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(envconfig.New(nil))
	if err != nil {
		return err
	}
	runAPI := slices.Contains(cfg.Parts, "api")
	runConsumers := slices.Contains(cfg.Parts, "consumers")
	runWorkers := slices.Contains(cfg.Parts, "workers")
	log.InfoContext(ctx, "starting", "http_addr", cfg.HTTPAddr, "parts", cfg.Parts, "event_namespace", cfg.EventNamespace,
		"characteristic_url", cfg.CharacteristicURL, "identity_url", cfg.IdentityURL, "zeebe_address", cfg.ZeebeAddress)

	migs, err := migrations.For(httpapi.ServiceName)
	if err != nil {
		return err
	}
	pool, err := pgdb.Open(ctx, cfg.DatabaseURL, migs, postgres.LibMigrations()...)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer pool.Close()
	if lifecycle.MigrateOnly() {
		log.InfoContext(ctx, "database migrated")
		return nil
	}

	tokens := auth.NewServiceTokenSource(cfg.IdentityURL, cfg.ClientID, cfg.ClientSecret, nil)
	directory, err := characteristicclient.New(cfg.CharacteristicURL, tokens, nil)
	if err != nil {
		return err
	}
	svc := app.New(postgres.NewRepository(pool, nil), postgres.NewReplica(pool), directory, postgres.NewOfferings(pool))
	checks := health.New(httpapi.ServiceName)
	checks.Add("postgres", pgdb.Ping(pool))

	// RabbitMQ serves the API's outbox relay and the consumers; a workers-only process does
	// without it.
	var conn *messaging.Connection
	topology := messaging.Topology{Namespace: cfg.EventNamespace}
	if runAPI || runConsumers {
		conn, err = messaging.Dial(ctx, cfg.AMQPURL, log)
		if err != nil {
			return fmt.Errorf("connect to rabbitmq: %w", err)
		}
		defer conn.Close()
		checks.Add("rabbitmq", conn.Ping)
	}

	// Build every part before starting any, so that a failure leaves nothing running.
	var workers *sagaworker.Workers
	if runWorkers {
		client, err := sagaworker.Dial(ctx, cfg.ZeebeAddress)
		if err != nil {
			return fmt.Errorf("connect to saga engine: %w", err)
		}
		defer client.Close()
		workers = sagaworker.New(client, log)
		zeebe.Register(workers, svc)
	}
	// Every process serves /health and /metrics; the API routes only with the api part.
	handler := httpapi.NewOpsRouter(checks, log)
	if runAPI {
		verifier, err := auth.NewVerifier(cfg.Verifier)
		if err != nil {
			return fmt.Errorf("token verifier: %w", err)
		}
		handler = httpapi.NewRouter(httpapi.RouterConfig{Service: svc, Verifier: verifier, Health: checks, Log: log})
	}

	g, _ := lifecycle.NewGroup(ctx)
	g.Go("http", func(ctx context.Context) error { return httpserver.Serve(ctx, cfg.HTTPAddr, handler, log) })
	if runAPI {
		relay := outbox.NewRelay(pool, conn, outbox.RelayConfig{Topology: topology}, log)
		g.Go("outbox-relay", relay.Run)
	}
	if runConsumers {
		consumer := messaging.NewConsumer(conn, messaging.ConsumerConfig{
			Group: amqp.Group, Bindings: amqp.Bindings, Topology: topology,
		}, amqp.Handler(svc, log), log)
		g.Go("event-consumer", consumer.Run)
	}
	if workers != nil {
		g.Go("saga-workers", workers.Run)
	}
	return g.Wait()
}
