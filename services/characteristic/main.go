// Command characteristic runs the characteristic service: the /api/v1/characteristics API
// (with its outbox relay) and the consumer learning specification references. RUN_PARTS
// chooses which of those parts this process runs.
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
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

func main() { lifecycle.Main(httpapi.ServiceName, run) }

// knownParts are the values RUN_PARTS may list.
var knownParts = []string{"api", "consumers", "workers"}

// config is everything the service reads from the environment.
type config struct {
	HTTPAddr       string
	DatabaseURL    string
	AMQPURL        string
	EventNamespace string
	Parts          []string
	Verifier       auth.VerifierConfig
}

// loadConfig reads the configuration through env (envconfig.New(nil) reads the process
// environment); every bad value is reported at once.
func loadConfig(env *envconfig.Reader) (config, error) {
	cfg := config{
		HTTPAddr:       env.String("HTTP_ADDR", ":8002"),
		DatabaseURL:    env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/characteristic_db?sslmode=disable"),
		AMQPURL:        env.String("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
		EventNamespace: env.String("EVENT_NAMESPACE", ""),
		Parts:          env.List("RUN_PARTS", []string{"api", "consumers", "workers"}),
		Verifier:       auth.ConfigFromEnv(env),
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
	runAPI, runConsumers := slices.Contains(cfg.Parts, "api"), slices.Contains(cfg.Parts, "consumers")
	log.InfoContext(ctx, "starting", "http_addr", cfg.HTTPAddr, "parts", cfg.Parts, "event_namespace", cfg.EventNamespace)

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

	// RabbitMQ: the API's relay publishes, the consumer consumes.
	conn, err := messaging.Dial(ctx, cfg.AMQPURL, log)
	if err != nil {
		return fmt.Errorf("connect to rabbitmq: %w", err)
	}
	defer conn.Close()
	topology := messaging.Topology{Namespace: cfg.EventNamespace}

	svc := app.New(postgres.NewRepository(pool, nil), postgres.NewReferences(pool))
	checks := health.New(httpapi.ServiceName)
	checks.Add("postgres", pgdb.Ping(pool))
	checks.Add("rabbitmq", conn.Ping)

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
			Group:    amqp.Group,
			Bindings: map[string][]string{messaging.TopicSpecifications: {"#"}},
			Topology: topology,
		}, amqp.Handler(svc, log), log)
		g.Go("specification-consumer", consumer.Run)
	}
	return g.Wait()
}
