// Package e2e drives the whole platform, started by the dev stack on random ports, through
// its gateway: the publication saga's happy, compensation and timeout paths, shared prices and
// retirement.
package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/deploy/devstack"
)

// sagaTimeout is short so the timeout scenario ends quickly; the happy path needs well under it.
const sagaTimeout = 8 * time.Second

var stack *devstack.Stack

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "e2e-stack-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	var b [4]byte
	_, _ = rand.Read(b[:])
	suffix := "_e2e" + hex.EncodeToString(b[:])
	stack, err = devstack.Start(ctx, devstack.Options{
		Dir: dir, RandomPorts: true, Suffix: suffix, Namespace: "e2e" + suffix,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		// Specification's saga worker runs as a separate process the tests start and stop, so a
		// scenario can hold that step back. store-query keeps its embedded search index in one
		// process, so the timeout scenario stops and restarts the whole service instead.
		ServiceEnv: map[string]map[string]string{
			"specification": {"RUN_PARTS": "api,consumers"},
			"offering":      {"SAGA_TIMEOUT": sagaTimeout.String()},
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start stack:", err)
		dropDatabases(suffix)
		return 1
	}
	code := m.Run()
	if code != 0 {
		fmt.Fprintln(os.Stderr, "logs of the failed run are in", dir+"/logs (kept for inspection)")
		for _, name := range stack.Components() {
			fmt.Fprintf(os.Stderr, "--- tail of %s ---\n%s\n", name, tailFile(stack.LogFile(name), 20))
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
	lines := splitLines(string(b))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := ""
	for _, l := range lines {
		out += l + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// dropDatabases removes every database the run created (they all end with suffix).
func dropDatabases(suffix string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := devstack.DropDatabases(ctx, "", suffix); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
