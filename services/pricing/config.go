package main

import (
	"fmt"
	"slices"

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
	Parts        parts
	Verifier     auth.VerifierConfig
}

// loadConfig reads the environment (lookup nil = os.LookupEnv) and reports every bad variable at once.
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	env := envconfig.New(lookup)
	c := config{
		HTTPAddr:     env.String("HTTP_ADDR", ":8004"),
		DatabaseURL:  env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pricing_db?sslmode=disable"),
		AMQPURL:      env.String("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
		Namespace:    env.String("EVENT_NAMESPACE", ""),
		ZeebeAddress: env.String("ZEEBE_ADDRESS", "127.0.0.1:26500"),
		Verifier:     auth.ConfigFromEnv(env),
	}
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
