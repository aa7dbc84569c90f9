// Command outboxbench measures the outbox relay on the local PostgreSQL and RabbitMQ: relay
// throughput next to the ceiling of raw publish-with-confirms (same payloads, no database), and
// commit→consumer latency at a fixed event rate. It is bounded in time, talks only to 127.0.0.1,
// creates its own database and namespaced exchanges/queues, and removes them at the end.
//
//	go run ./cmd/outboxbench -events 20000 -rate 1000 -duration 10s -md bench.md
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"
)

type options struct {
	amqpURL      string
	pgURL        string
	events       int
	payloadBytes int
	batchSize    int
	pipeline     int
	relays       int
	rate         int
	duration     time.Duration
	producers    int
	timeout      time.Duration
	mdPath       string
	verbose      bool
}

func main() {
	var o options
	flag.StringVar(&o.amqpURL, "amqp", envOr("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"), "RabbitMQ URL (127.0.0.1 only)")
	flag.StringVar(&o.pgURL, "pg", envOr("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server URL used to create the bench database (127.0.0.1 only)")
	flag.IntVar(&o.events, "events", 20000, "events for the throughput phases")
	flag.IntVar(&o.payloadBytes, "payload", 512, "approximate payload size in bytes")
	flag.IntVar(&o.batchSize, "batch", 500, "relay batch size")
	flag.IntVar(&o.pipeline, "pipeline", 2, "relay batches in flight (RelayConfig.Pipeline; 2 is the default)")
	flag.IntVar(&o.relays, "relays", 1, "relay replicas in the throughput phase")
	flag.IntVar(&o.rate, "rate", 1000, "events per second in the latency phase")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of the latency phase")
	flag.IntVar(&o.producers, "producers", 8, "concurrent producer transactions in the latency phase")
	flag.DurationVar(&o.timeout, "timeout", 3*time.Minute, "hard bound on the whole run")
	flag.StringVar(&o.mdPath, "md", "", "also write the results as markdown to this file")
	flag.BoolVar(&o.verbose, "v", false, "log relay and consumer warnings")
	flag.Parse()

	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "outboxbench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	for _, u := range []string{o.amqpURL, o.pgURL} {
		if err := localOnly(u); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	level := slog.LevelError
	if o.verbose {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	b, err := setup(ctx, o, log)
	if err != nil {
		return err
	}
	defer b.teardown()

	res := results{opts: o, start: time.Now()}
	fmt.Fprintf(os.Stderr, "ceiling: raw publish with confirms of %d events...\n", o.events)
	if res.ceiling, err = b.ceiling(ctx); err != nil {
		return fmt.Errorf("ceiling phase: %w", err)
	}
	fmt.Fprintf(os.Stderr, "relay: %d events through %d relay(s)...\n", o.events, o.relays)
	if res.relay, err = b.relayThroughput(ctx); err != nil {
		return fmt.Errorf("relay phase: %w", err)
	}
	fmt.Fprintf(os.Stderr, "latency: %d events/s for %v...\n", o.rate, o.duration)
	if res.latency, err = b.latency(ctx); err != nil {
		return fmt.Errorf("latency phase: %w", err)
	}
	table := res.markdown()
	fmt.Println(table)
	if o.mdPath != "" {
		if err := os.WriteFile(o.mdPath, []byte(table), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", o.mdPath, err)
		}
	}
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// localOnly refuses any server but this machine's loopback.
func localOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("parse url: %w", err)
	}
	switch strings.ToLower(u.Hostname()) {
	case "127.0.0.1", "localhost", "::1":
		return nil
	}
	return fmt.Errorf("refusing non-local server %q: the bench only runs against 127.0.0.1", u.Hostname())
}
