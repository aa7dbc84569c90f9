package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/writeapi"
)

// parts says which parts of the service this process runs (RUN_PARTS).
type parts struct{ API, Consumers, Workers bool }

type config struct {
	HTTPAddr          string
	MongoURI          string
	MongoDatabase     string
	ElasticURL        string
	ElasticIndex      string
	ElasticUser       string
	ElasticPassword   string
	ElasticRefresh    string
	SearchIndexDir    string
	AMQPURL           string
	Namespace         string
	ZeebeAddress      string
	Parts             parts
	Concurrency       int
	Prefetch          int
	MaxAttempts       int
	IndexSyncInterval time.Duration
	ReplicaWait       time.Duration
	IdentityURL       string
	ClientID          string
	ClientSecret      string
	Sources           writeapi.URLs
}

// String describes the configuration for the start-up log, secrets masked.
func (c config) String() string {
	search := "bleve:" + c.SearchIndexDir
	if c.ElasticURL != "" {
		search = "elasticsearch:" + c.ElasticURL + "/" + c.ElasticIndex
	}
	return fmt.Sprintf("http=%s mongodb_database=%s search=%s namespace=%q zeebe=%s parts=%+v", c.HTTPAddr,
		c.MongoDatabase, search, c.Namespace, c.ZeebeAddress, c.Parts)
}

// loadConfig reads the environment (lookup nil = os.LookupEnv) and reports every bad variable at once.
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	env := envconfig.New(lookup)
	c := config{
		HTTPAddr:          env.String("HTTP_ADDR", ":8006"),
		MongoURI:          env.String("MONGODB_URI", "mongodb://127.0.0.1:27017"),
		MongoDatabase:     env.String("MONGODB_DATABASE", "store"),
		ElasticURL:        env.String("ELASTICSEARCH_URL", ""),
		ElasticIndex:      env.String("ELASTICSEARCH_INDEX", "store-offerings"),
		ElasticUser:       env.String("ELASTICSEARCH_USERNAME", ""),
		ElasticPassword:   env.String("ELASTICSEARCH_PASSWORD", ""),
		ElasticRefresh:    env.OneOf("ELASTICSEARCH_REFRESH", "false", "false", "true", "wait_for"),
		SearchIndexDir:    env.String("SEARCH_INDEX_DIR", "data/store-query/search.bleve"),
		AMQPURL:           env.String("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
		Namespace:         env.String("EVENT_NAMESPACE", ""),
		ZeebeAddress:      env.String("ZEEBE_ADDRESS", "127.0.0.1:26500"),
		Concurrency:       env.Int("CONSUMER_CONCURRENCY", 64),
		Prefetch:          env.Int("CONSUMER_PREFETCH", 128),
		MaxAttempts:       env.Int("CONSUMER_MAX_ATTEMPTS", 10),
		IndexSyncInterval: env.Duration("INDEX_SYNC_INTERVAL", 5*time.Second),
		ReplicaWait:       env.Duration("SAGA_REPLICA_WAIT", 3*time.Second),
		IdentityURL:       env.String("IDENTITY_URL", "http://127.0.0.1:8001"),
		ClientID:          env.String("SERVICE_CLIENT_ID", "store-query"),
		ClientSecret:      env.String("SERVICE_CLIENT_SECRET", "dev-secret-store-query"),
		Sources: writeapi.URLs{
			Characteristic: env.String("CHARACTERISTIC_URL", "http://127.0.0.1:8002"),
			Specification:  env.String("SPECIFICATION_URL", "http://127.0.0.1:8003"),
			Pricing:        env.String("PRICING_URL", "http://127.0.0.1:8004"),
			Offering:       env.String("OFFERING_URL", "http://127.0.0.1:8005"),
		},
	}
	env.Check(c.Concurrency >= 1, "CONSUMER_CONCURRENCY", "must be at least 1")
	env.Check(c.IndexSyncInterval > 0, "INDEX_SYNC_INTERVAL", "must be positive")
	env.Check(c.ReplicaWait >= 0, "SAGA_REPLICA_WAIT", "must not be negative")
	var err error
	c.Parts, err = parseParts(env.List("RUN_PARTS", []string{"api", "consumers", "workers"}))
	env.Check(err == nil, "RUN_PARTS", fmt.Sprint(err))
	if err := env.Err(); err != nil {
		return config{}, err
	}
	return c, nil
}

func parseParts(list []string) (parts, error) {
	for _, p := range list {
		if !slices.Contains([]string{"api", "consumers", "workers"}, p) {
			return parts{}, fmt.Errorf("unknown part %q (want api, consumers, workers)", p)
		}
	}
	return parts{API: slices.Contains(list, "api"), Consumers: slices.Contains(list, "consumers"),
		Workers: slices.Contains(list, "workers")}, nil
}
