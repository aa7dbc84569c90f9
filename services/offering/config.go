package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

// parts says which parts of the service this process runs (RUN_PARTS).
type parts struct{ API, Consumers, Workers bool }

type config struct {
	HTTPAddr     string
	DatabaseURL  string
	AMQPURL      string
	Namespace    string
	ZeebeAddress string
	// SagaTimeout bounds a publication saga (variable saga_timeout); SagaStartTimeout the create-instance call.
	SagaTimeout      time.Duration
	SagaStartTimeout time.Duration
	Parts            parts
	Verifier         auth.VerifierConfig
}

// loadConfig reads the environment (lookup nil = os.LookupEnv) and reports every bad variable at once.
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	env := envconfig.New(lookup)
	c := config{
		HTTPAddr:     env.String("HTTP_ADDR", ":8005"),
		DatabaseURL:  env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/offering_db?sslmode=disable"),
		AMQPURL:      env.String("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
		Namespace:    env.String("EVENT_NAMESPACE", ""),
		ZeebeAddress: env.String("ZEEBE_ADDRESS", "127.0.0.1:26500"),
		Verifier:     auth.ConfigFromEnv(env),
	}
	c.SagaTimeout = env.Duration("SAGA_TIMEOUT", 2*time.Minute)
	// The create-instance call must end well inside the gateway's 4 s response timeout: publish
	// keeps going when the client is gone, so a client that saw a timeout could otherwise find its
	// offering published after all.
	c.SagaStartTimeout = env.Duration("SAGA_START_TIMEOUT", 2*time.Second)
	env.Check(c.SagaTimeout >= time.Second, "SAGA_TIMEOUT", "must be at least 1s")
	env.Check(c.SagaStartTimeout > 0, "SAGA_START_TIMEOUT", "must be positive")
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
