// Command devstack runs the platform on this machine: `devstack up` (foreground, Ctrl-C stops
// everything), `devstack status`, `devstack stop`, `devstack logs -cid ID`, `devstack keys`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tmfcatalog/platform/deploy/devstack"
)

const stateFile = ".devstack.json"

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = up(os.Args[2:])
	case "status":
		err = status()
	case "stop":
		err = stop()
	case "logs":
		err = logs(os.Args[2:])
	case "keys":
		err = keys(os.Args[2:])
	case "migrate":
		err = devstack.Migrate(context.Background(), devstack.Options{Root: root()})
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: devstack <command>
  up [-random-ports] [-only a,b]  build and start every service; Ctrl-C stops all
  status                          health of the running stack
  stop                            stop a stack started with up (e.g. by make dev-bg)
  logs -cid ID                    one request's lines from every service, in time order
  migrate                         create and migrate every service database
  keys [-out FILE]                create the JWT signing key if missing`)
}

func root() string {
	r, err := devstack.FindRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return r
}

func up(args []string) error {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	random := fs.Bool("random-ports", false, "use free random ports instead of the standard ones")
	only := fs.String("only", "", "comma-separated components to start (default: all that exist)")
	_ = fs.Parse(args)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	r := root()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	opts := devstack.Options{Root: r, RandomPorts: *random, Log: log}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	fmt.Println("building and starting the platform (first build takes a minute)...")
	stack, err := devstack.Start(ctx, opts)
	if err != nil {
		return err
	}
	st := stack.State()
	if b, err := json.MarshalIndent(st, "", "  "); err == nil {
		_ = os.WriteFile(filepath.Join(r, stateFile), b, 0o644)
	}
	fmt.Println()
	fmt.Print(stack.Summary())
	fmt.Println("\nplatform is up. Logs: logs/<service>.log, one request: make logs CID=<id>. Ctrl-C stops everything.")
	<-ctx.Done()
	fmt.Println("\nstopping...")
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer stopCancel()
	err = stack.Stop(stopCtx)
	_ = os.Remove(filepath.Join(r, stateFile))
	return err
}

func readState() (devstack.State, error) {
	var st devstack.State
	b, err := os.ReadFile(filepath.Join(root(), stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return st, errors.New("no stack is running (no .devstack.json); start one with make dev")
	}
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(b, &st)
}

func status() error {
	st, err := readState()
	if err != nil {
		return err
	}
	alive := syscall.Kill(st.PID, 0) == nil
	fmt.Printf("devstack pid %d (%s), started %s\n", st.PID, map[bool]string{true: "running", false: "gone"}[alive], st.StartedAt.Format(time.RFC3339))
	names := make([]string, 0, len(st.URLs))
	for n := range st.URLs {
		names = append(names, n)
	}
	sort.Strings(names)
	client := &http.Client{Timeout: 2 * time.Second}
	fmt.Printf("%-16s %-7s %-28s %s\n", "COMPONENT", "PID", "URL", "HEALTH")
	for _, n := range names {
		health := "down"
		if resp, err := client.Get(st.URLs[n] + "/health"); err == nil {
			health = resp.Status
			resp.Body.Close()
		}
		fmt.Printf("%-16s %-7d %-28s %s\n", n, st.ChildPIDs[n], st.URLs[n], health)
	}
	return nil
}

func stop() error {
	st, err := readState()
	if err != nil {
		return err
	}
	if err := syscall.Kill(st.PID, syscall.SIGTERM); err != nil {
		fmt.Println("devstack process already gone; cleaning up children")
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && syscall.Kill(st.PID, 0) == nil {
		time.Sleep(200 * time.Millisecond)
	}
	for name, pid := range st.ChildPIDs {
		if syscall.Kill(pid, 0) == nil {
			fmt.Printf("killing leftover %s (pid %d)\n", name, pid)
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}
	_ = os.Remove(filepath.Join(root(), stateFile))
	fmt.Println("stopped")
	return nil
}

func logs(args []string) error {
	fs := flag.NewFlagSet("logs", flag.ExitOnError)
	cid := fs.String("cid", "", "correlation id to follow")
	_ = fs.Parse(args)
	if *cid == "" {
		return errors.New("logs: -cid is required")
	}
	lines, err := devstack.CorrelatedLines(filepath.Join(root(), "logs"), *cid)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return fmt.Errorf("no log line carries correlation id %q", *cid)
	}
	devstack.PrintLines(os.Stdout, lines)
	return nil
}

func keys(args []string) error {
	fs := flag.NewFlagSet("keys", flag.ExitOnError)
	out := fs.String("out", filepath.Join(root(), ".keys", "jwt-private.pem"), "private key file")
	_ = fs.Parse(args)
	path, err := devstack.EnsureKey(*out)
	if err != nil {
		return err
	}
	fmt.Println("signing key:", path)
	return nil
}
