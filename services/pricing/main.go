// Command pricing runs the pricing service: the prices REST API, the outbox relay, the OfferingRetired consumer
// and the lock-prices / unlock-prices saga workers (RUN_PARTS chooses which).
package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/pricing/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/pricing/internal/app"
)

func main() { lifecycle.Main(httpapi.ServiceName, run) }

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(nil)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "starting", slog.String("http_addr", cfg.HTTPAddr), slog.Any("run_parts", cfg.Parts),
		slog.String("event_namespace", cfg.Namespace), slog.String("zeebe_address", cfg.ZeebeAddress))

	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if lifecycle.MigrateOnly() {
		log.InfoContext(ctx, "database migrated")
		return nil
	}
	conn, err := messaging.Dial(ctx, cfg.AMQPURL, log)
	if err != nil {
		return fmt.Errorf("connect to rabbitmq: %w", err)
	}
	defer conn.Close()

	topo := messaging.Topology{Namespace: cfg.Namespace}
	svc := app.New(postgres.NewStore(pool))
	g, gctx := lifecycle.NewGroup(ctx)
	relay := outbox.NewRelay(pool, conn, outbox.RelayConfig{Topology: topo}, log)
	g.Go("outbox-relay", relay.Run)

	if cfg.Parts.API {
		verifier, err := auth.NewVerifier(cfg.Verifier)
		if err != nil {
			return fmt.Errorf("jwt verifier: %w", err)
		}
		reg := health.New(httpapi.ServiceName)
		reg.Add("postgres", pgdb.Ping(pool))
		reg.Add("rabbitmq", conn.Ping)
		h := httpapi.NewHandler(httpapi.Config{Service: svc, Verifier: verifier, Health: reg, Log: log})
		g.Go("http", func(ctx context.Context) error { return httpserver.Serve(ctx, cfg.HTTPAddr, h, log) })
	}
	if cfg.Parts.Consumers {
		g.Go("consumer", amqp.NewConsumer(conn, topo, svc, log).Run)
	}
	if cfg.Parts.Workers {
		client, err := sagaworker.Dial(gctx, cfg.ZeebeAddress)
		if err != nil {
			return fmt.Errorf("connect to saga engine: %w", err)
		}
		defer client.Close()
		workers := sagaworker.New(client, log)
		zeebe.Register(workers, svc)
		g.Go("saga-workers", workers.Run)
	}
	return g.Wait()
}
