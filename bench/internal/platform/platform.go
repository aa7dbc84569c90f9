// Package platform starts the whole platform for the benchmarks (the dev stack on random
// ports, its own databases and event namespace, removed afterwards) and talks to it through
// its HTTP API like the web app does.
package platform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/deploy/devstack"
)

// PostgresURL is the server the benchmarks use (databases get a per-run suffix).
const PostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// AMQPURL is the broker the benchmarks use (names get a per-run namespace).
const AMQPURL = "amqp://guest:guest@127.0.0.1:5672/"

// Platform is a running stack.
type Platform struct {
	*devstack.Stack
	Suffix    string
	Namespace string
	dir       string
}

// RandomSuffix returns "_bench<8 hex>" for database names and namespaces.
func RandomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "_bench" + hex.EncodeToString(b[:])
}

// Start builds and starts every service. serviceEnv adds per-service variables.
func Start(ctx context.Context, serviceEnv map[string]map[string]string, log *slog.Logger) (*Platform, error) {
	dir, err := os.MkdirTemp("", "bench-stack-")
	if err != nil {
		return nil, err
	}
	suffix := RandomSuffix()
	p := &Platform{Suffix: suffix, Namespace: "bench" + suffix, dir: dir}
	st, err := devstack.Start(ctx, devstack.Options{
		Dir: dir, RandomPorts: true, Suffix: suffix, Namespace: p.Namespace,
		Env:        map[string]string{"LOG_LEVEL": "warn"},
		ServiceEnv: serviceEnv, Log: log,
	})
	if err != nil {
		DropDatabases(context.WithoutCancel(ctx), suffix)
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start platform: %w", err)
	}
	p.Stack = st
	return p, nil
}

// Stop stops every service, drops the run's databases and removes the runtime folder.
func (p *Platform) Stop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	err := p.Stack.Stop(ctx)
	DropDatabases(ctx, p.Suffix)
	os.RemoveAll(p.dir)
	return err
}

// DropDatabases removes every database whose name ends with suffix.
func DropDatabases(ctx context.Context, suffix string) {
	conn, err := pgx.Connect(ctx, PostgresURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE '%' || $1", suffix)
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
	}
}
