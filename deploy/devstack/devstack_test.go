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

func dropDatabases(t *testing.T, _ *Stack, suffix string) {
	t.Helper()
	if err := DropDatabases(context.Background(), "", suffix); err != nil {
		t.Error(err)
	}
}

func TestRandomPortsAreDistinct(t *testing.T) {
	t.Parallel()
	s, err := newStack(Options{Root: t.TempDir(), RandomPorts: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	for name, p := range s.ports {
		if other, ok := seen[p]; ok {
			t.Fatalf("%s and %s share port %d", name, other, p)
		}
		seen[p] = name
	}
}
