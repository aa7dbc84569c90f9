// Command store-query runs the store: the public read API, the event consumer that keeps the
// read model and the search index up to date, and the create-store-entry / delete-store-entry
// saga workers (RUN_PARTS chooses which). `store-query rebuild` rebuilds the read model and the
// search index from the write services instead.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/elastic"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/writeapi"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "rebuild" {
		lifecycle.Main(httpapi.ServiceName, rebuild)
		return
	}
	lifecycle.Main(httpapi.ServiceName, run)
}

// engine is the search engine: the write port, the query port, a reset and a health check.
type engine interface {
	app.Index
	app.Searcher
	app.Resetter
	Ping(ctx context.Context) error
}

// openEngine picks Elasticsearch when ELASTICSEARCH_URL is set, else the embedded bleve index.
// An unreachable Elasticsearch does not stop the service: search degrades to MongoDB and the
// index syncer catches up once the cluster is back.
func openEngine(ctx context.Context, cfg config, log *slog.Logger) (engine, func(), error) {
	if cfg.ElasticURL == "" {
		idx, err := bleve.Open(cfg.SearchIndexDir)
		if err != nil {
			return nil, nil, err
		}
		return idx, func() { _ = idx.Close() }, nil
	}
	es, err := elastic.New(elastic.Config{
		URL: cfg.ElasticURL, Index: cfg.ElasticIndex, Refresh: cfg.ElasticRefresh,
		Username: cfg.ElasticUser, Password: cfg.ElasticPassword,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := es.EnsureIndex(ctx); err != nil {
		log.WarnContext(ctx, "elasticsearch index not ready; search degrades to mongodb until it is", "error", err.Error())
	}
	return es, func() {}, nil
}

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(nil)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "configuration", "config", cfg.String())

	store, err := mongo.Connect(ctx, cfg.MongoURI, cfg.MongoDatabase)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close(context.WithoutCancel(ctx)) }()
	eng, closeEngine, err := openEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeEngine()

	projector := app.NewProjector(store, store, store, eng, log)
	projector.ReplicaWait = cfg.ReplicaWait
	g, gctx := lifecycle.NewGroup(ctx)

	if cfg.Parts.API {
		reg := health.New(httpapi.ServiceName)
		reg.Add("mongodb", store.Ping)
		reg.Add("search", eng.Ping)
		h := httpapi.NewHandler(httpapi.Config{Catalog: app.NewCatalog(eng, store, log), Health: reg, Log: log})
		g.Go("http", func(ctx context.Context) error { return httpserver.Serve(ctx, cfg.HTTPAddr, h, log) })
	}
	if cfg.Parts.Consumers {
		conn, err := messaging.Dial(gctx, cfg.AMQPURL, log)
		if err != nil {
			return fmt.Errorf("connect to rabbitmq: %w", err)
		}
		defer conn.Close()
		// Every consumer goroutine waits in the batcher: a batch holds up to one event each.
		batcher := app.NewBatcher(projector, cfg.Concurrency)
		consumer := messaging.NewConsumer(conn, messaging.ConsumerConfig{
			Group: amqp.Group, Bindings: amqp.Bindings(), Topology: messaging.Topology{Namespace: cfg.Namespace},
			Prefetch: cfg.Prefetch, Concurrency: cfg.Concurrency, MaxAttempts: cfg.MaxAttempts,
			Idempotency: store.Idempotency(),
		}, amqp.Handler(batcher, log), log)
		g.Go("projector-batches", batcher.Run)
		g.Go("consumer", consumer.Run)
		syncer := app.NewIndexSyncer(projector, 500)
		g.Go("index-sync", func(ctx context.Context) error { return syncer.Run(ctx, cfg.IndexSyncInterval) })
	}
	if cfg.Parts.Workers {
		client, err := sagaworker.Dial(gctx, cfg.ZeebeAddress)
		if err != nil {
			return fmt.Errorf("connect to saga engine: %w", err)
		}
		defer client.Close()
		workers := sagaworker.New(client, log)
		zeebe.Register(workers, projector)
		g.Go("saga-workers", workers.Run)
	}
	return g.Wait()
}

// rebuild empties the read model and the search index and loads them again from the write
// services' list endpoints, authenticated with a client-credentials service token.
func rebuild(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(nil)
	if err != nil {
		return err
	}
	store, err := mongo.Connect(ctx, cfg.MongoURI, cfg.MongoDatabase)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close(context.WithoutCancel(ctx)) }()
	eng, closeEngine, err := openEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeEngine()
	tokens := auth.NewServiceTokenSource(cfg.IdentityURL, cfg.ClientID, cfg.ClientSecret, nil)
	hc := &http.Client{Timeout: 60 * time.Second, Transport: tokens.Transport(tracing.Transport(http.DefaultTransport))}
	projector := app.NewProjector(store, store, store, eng, log)
	r := app.NewRebuilder(writeapi.New(cfg.Sources, hc), store, eng, projector, app.NewIndexSyncer(projector, 500), log)
	started := time.Now()
	rep, err := r.Run(ctx)
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	log.InfoContext(ctx, "rebuild finished", "characteristics", rep.Characteristics, "specifications", rep.Specifications,
		"prices", rep.Prices, "offerings", rep.Offerings, "documents", rep.Documents, "indexed", rep.Indexed,
		"took", time.Since(started).String())
	return nil
}
