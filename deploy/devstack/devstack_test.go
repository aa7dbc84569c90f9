package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "_ds" + hex.EncodeToString(b[:])
}

// TestStackStartsHealthyOnRandomPortsAndLeavesNothingBehind starts every service that exists
// on random ports in a temp dir, checks every health route, stops, and checks that no child
// process survives and the databases it made are dropped afterwards.
func TestStackStartsHealthyOnRandomPortsAndLeavesNothingBehind(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	suffix := randomSuffix()
	stack, err := Start(ctx, Options{Dir: t.TempDir(), RandomPorts: true, Suffix: suffix, Namespace: "ds" + suffix})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { dropDatabases(t, stack, suffix) })
	names := stack.Components()
	if len(names) == 0 {
		t.Fatal("no component started")
	}
	for _, name := range names {
		c, _ := componentNamed(name)
		resp, err := http.Get(stack.URL(name) + c.Health)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s health = %s", name, resp.Status)
		}
		if port := strings.TrimPrefix(stack.URL(name), "http://127.0.0.1:"); port == fmt.Sprint(mustComponent(name).Port) {
			t.Errorf("%s runs on its standard port %s, want a random one", name, port)
		}
	}
	pids := stack.PIDs()
	if err := stack.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for name, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("%s (pid %d) still running after Stop", name, pid)
		}
		if err := syscall.Kill(-pid, 0); err == nil {
			t.Errorf("process group of %s (pid %d) still has members after Stop", name, pid)
		}
	}
}

func mustComponent(name string) component {
	c, _ := componentNamed(name)
	return c
}

func TestInfrastructureCheckNamesTheFix(t *testing.T) {
	t.Parallel()
	err := CheckInfrastructure(context.Background(), "postgres://postgres@127.0.0.1:1/x?sslmode=disable", "amqp://guest:guest@127.0.0.1:1/")
	if err == nil {
		t.Fatal("want an error for unreachable servers")
	}
	for _, want := range []string{"pg_ctlcluster", "rabbitmq-server -detached"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks the fix %q", err, want)
		}
	}
}

func dropDatabases(t *testing.T, s *Stack, suffix string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.opts.PostgresURL)
	if err != nil {
		t.Errorf("connect to drop test databases: %v", err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE '%' || $1", suffix)
	if err != nil {
		t.Errorf("list test databases: %v", err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Errorf("list test databases: %v", err)
		return
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", n, err)
		}
	}
}
