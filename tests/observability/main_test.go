// Package observability starts the whole platform once, with every service exporting its
// spans to an in-test Zipkin collector, drives one offering publication through the gateway
// and checks the three pillars: one trace across every service, one correlation id across
// every service's logs, and the RED, outbox, consumer and saga metrics on /metrics.
package observability

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/deploy/devstack"
)

var (
	stack *devstack.Stack
	spans *collector
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	spans = &collector{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipkin collector:", err)
		return 1
	}
	zipkin := &http.Server{Handler: spans, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = zipkin.Serve(ln) }()
	defer zipkin.Close()

	dir, err := os.MkdirTemp("", "obs-stack-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	var b [4]byte
	_, _ = rand.Read(b[:])
	suffix := "_obs" + hex.EncodeToString(b[:])
	opts := devstack.Options{
		Dir: dir, RandomPorts: true, Suffix: suffix, Namespace: "obs" + suffix,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Env: map[string]string{
			"ZIPKIN_URL":              "http://" + ln.Addr().String() + "/api/v2/spans",
			"OTEL_TRACES_SAMPLER_ARG": "1",
		},
	}
	// The shared PostgreSQL can run out of connections while other suites run; that is the
	// machine, not the platform, so a start that fails for it is tried again (at most 3 times).
	for attempt := 1; ; attempt++ {
		stack, err = devstack.Start(ctx, opts)
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "SQLSTATE 53300") {
			break
		}
		fmt.Fprintf(os.Stderr, "start stack (attempt %d): PostgreSQL has too many clients; trying again\n", attempt)
		dropDatabases(suffix)
		if pause(ctx, 5*time.Second) != nil {
			break
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "start stack:", err)
		dropDatabases(suffix)
		return 1
	}
	code := m.Run()
	if code != 0 {
		for _, name := range stack.Components() {
			fmt.Fprintf(os.Stderr, "--- tail of %s ---\n%s\n", name, tailFile(stack.LogFile(name), 15))
		}
	}
	stopCtx, stopCancel := context.WithTimeout(context.Background(), time.Minute)
	defer stopCancel()
	if err := stack.Stop(stopCtx); err != nil {
		fmt.Fprintln(os.Stderr, "stop stack:", err)
	}
	dropDatabases(suffix)
	return code
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// dropDatabases removes every database the run created (they all end with suffix).
func dropDatabases(suffix string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if err != nil {
		fmt.Fprintln(os.Stderr, "drop databases:", err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE '%' || $1", suffix)
	if err != nil {
		fmt.Fprintln(os.Stderr, "drop databases:", err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		fmt.Fprintln(os.Stderr, "drop databases:", err)
		return
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			fmt.Fprintln(os.Stderr, "drop", n+":", err)
		}
	}
}

// eventually polls check until it returns "" or timeout passes; the last complaint fails t.
func eventually(t *testing.T, timeout time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		last := check()
		if last == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not met after %s: %s", timeout, last)
		}
		<-tick.C
	}
}
