// Package stackrun starts the dev stack for the reliability suites on random ports, with its own
// databases (suffix) and event namespace, and removes every trace of it afterwards.
package stackrun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/deploy/devstack"
)

// ServerURL is the PostgreSQL server the stack uses (trust auth, see COMMON conventions).
const ServerURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// AMQPURL is the broker the stack uses.
const AMQPURL = "amqp://guest:guest@127.0.0.1:5672/"

// SagaTimeout is the tests' bound on every publication saga (SAGA_TIMEOUT), so that a stuck
// one compensates quickly enough for the suite to observe the outcome.
const SagaTimeout = 15 * time.Second

// Run is a started stack with its identifiers.
type Run struct {
	Stack     *devstack.Stack
	Suffix    string // every database of the stack ends with it
	Namespace string // EVENT_NAMESPACE: every exchange and queue starts with it
	Dir       string // runtime folder (bin/, logs/, data/)
	Ferret    *Ferret
	// SagaTimeout is the offering service's SAGA_TIMEOUT in this stack.
	SagaTimeout time.Duration
}

// Start builds and starts the stack in a new temporary folder. label names the run
// ("rel" for the tests, "chaos" for the full suite).
func Start(ctx context.Context, label string, sagaTimeout time.Duration) (*Run, error) {
	dir, err := os.MkdirTemp("", label+"-stack-")
	if err != nil {
		return nil, err
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	suffix := "_" + label + hex.EncodeToString(b[:])
	run := &Run{Suffix: suffix, Namespace: label + suffix, Dir: dir, SagaTimeout: sagaTimeout}
	// The read store runs as a process of its own (see libs/ferret/cmd/ferretd).
	if run.Ferret, err = startFerret(ctx, dir); err != nil {
		run.Cleanup()
		return nil, err
	}
	st, err := devstack.Start(ctx, devstack.Options{
		Dir: dir, RandomPorts: true, Suffix: suffix, Namespace: run.Namespace, MongoURI: run.Ferret.URI(),
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		ServiceEnv: map[string]map[string]string{
			// Only the per-username throttle is under test; the bad-input and RBAC suites
			// make many failing logins from 127.0.0.1.
			"identity": {"LOGIN_IP_MAX_FAILURES": "100000"},
			"offering": {"SAGA_TIMEOUT": sagaTimeout.String()},
			// The PostgreSQL server is shared by every test run of the machine (100 slots).
			"engine": {"DB_MAX_CONNS": "6"},
			// A killed upstream opens the breaker; a short open period keeps recovery
			// measurable within a test's budget.
			"gateway": {"BREAKER_OPEN_TIMEOUT": "3s"},
		},
	})
	if err != nil {
		run.Ferret.Stop()
		run.Cleanup()
		return nil, fmt.Errorf("start stack: %w", err)
	}
	run.Stack = st
	return run, nil
}

// Stop stops the stack and removes its databases, queues and exchanges. The runtime folder is
// kept when keepDir is true (logs of a failed run).
func (r *Run) Stop(keepDir bool) error {
	var errs []error
	if r.Stack != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := r.Stack.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop stack: %w", err))
		}
	}
	if r.Ferret != nil {
		r.Ferret.Stop()
	}
	errs = append(errs, r.Cleanup())
	if !keepDir {
		errs = append(errs, os.RemoveAll(r.Dir))
	}
	return errors.Join(errs...)
}

// Cleanup drops the stack's databases and deletes its RabbitMQ queues and exchanges.
func (r *Run) Cleanup() error {
	return errors.Join(dropDatabases(r.Suffix), deleteBrokerObjects(r.Namespace))
}

func dropDatabases(suffix string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The shared server may have no free slot for a moment: retry until the deadline.
	var conn *pgx.Conn
	var err error
	for conn, err = pgx.Connect(ctx, ServerURL); err != nil; conn, err = pgx.Connect(ctx, ServerURL) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("drop databases: %w", err)
		case <-time.After(time.Second):
		}
	}
	defer conn.Close(ctx)
	names, err := Databases(ctx, conn, suffix)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			errs = append(errs, fmt.Errorf("drop %s: %w", n, err))
		}
	}
	return errors.Join(errs...)
}

// Databases lists the server's databases whose names end with suffix.
func Databases(ctx context.Context, conn *pgx.Conn, suffix string) ([]string, error) {
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE right(datname, length($1)) = $1", suffix)
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Queues returns the broker's queues of namespace with their ready message counts.
func Queues(ctx context.Context, namespace string) (map[string]int, error) {
	out, err := exec.CommandContext(ctx, "rabbitmqctl", "-q", "list_queues", "name", "messages").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("rabbitmqctl list_queues: %w\n%s", err, out)
	}
	queues := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || !strings.HasPrefix(f[0], namespace) {
			continue
		}
		var n int
		if _, err := fmt.Sscan(f[1], &n); err == nil {
			queues[f[0]] = n
		}
	}
	return queues, nil
}

func deleteBrokerObjects(namespace string) error {
	if namespace == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	queues, err := Queues(ctx, namespace)
	if err != nil {
		return err
	}
	conn, err := amqp.Dial(AMQPURL)
	if err != nil {
		return fmt.Errorf("delete queues: %w", err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("delete queues: %w", err)
	}
	defer ch.Close()
	for q := range queues {
		if _, err := ch.QueueDelete(q, false, false, false); err != nil {
			return fmt.Errorf("delete queue %s: %w", q, err)
		}
	}
	for _, topic := range []string{"resource.characteristics.events", "resource.specifications.events",
		"commercial.pricing.events", "product.offering.events", "events.dlx"} {
		if err := ch.ExchangeDelete(namespace+"."+topic, false, false); err != nil {
			return fmt.Errorf("delete exchange %s: %w", topic, err)
		}
	}
	return nil
}
