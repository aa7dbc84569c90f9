// Command offering runs the offering service: the offerings REST API (which starts the publication saga), the
// outbox relay, the price/specification replica consumer and the confirm-publication / revert-offering-to-draft
// saga workers (RUN_PARTS chooses which).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

func main() { lifecycle.Main(httpapi.ServiceName, run) }

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(nil)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "starting", slog.String("http_addr", cfg.HTTPAddr), slog.Any("run_parts", cfg.Parts),
		slog.String("event_namespace", cfg.Namespace), slog.String("zeebe_address", cfg.ZeebeAddress),
		slog.Duration("saga_timeout", cfg.SagaTimeout))

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
	// The client connects lazily: an engine that is down makes publish answer 503, not the service fail.
	client, err := sagaworker.Dial(ctx, cfg.ZeebeAddress)
	if err != nil {
		return fmt.Errorf("saga engine client: %w", err)
	}
	defer client.Close()

	topo := messaging.Topology{Namespace: cfg.Namespace}
	svc := app.New(postgres.NewStore(pool), zeebe.NewStarter(client, cfg.SagaTimeout, cfg.SagaStartTimeout))
	g, _ := lifecycle.NewGroup(ctx)
	g.Go("outbox-relay", outbox.NewRelay(pool, conn, outbox.RelayConfig{Topology: topo}, log).Run)

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
		workers := sagaworker.New(client, log)
		zeebe.Register(workers, svc)
		g.Go("saga-workers", workers.Run)
		g.Go("publication-recovery", func(ctx context.Context) error {
			return recoverStalledPublications(ctx, svc, max(time.Minute, 4*cfg.SagaStartTimeout), log)
		})
	}
	return g.Wait()
}

// recoverStalledPublications periodically reverts publications whose saga never started
// (the process died between committing PUBLISHING and creating the instance), so no offering
// stays PUBLISHING forever.
func recoverStalledPublications(ctx context.Context, svc *app.Service, grace time.Duration, log *slog.Logger) error {
	tick := time.NewTicker(grace / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		n, err := svc.RecoverStalledPublications(ctx, grace)
		if err != nil {
			log.ErrorContext(ctx, "recover stalled publications", "error", err.Error())
			continue
		}
		if n > 0 {
			log.WarnContext(ctx, "reverted publications whose saga never started", "count", n)
		}
	}
}
