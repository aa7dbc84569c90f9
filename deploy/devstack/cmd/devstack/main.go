// Command devstack runs the platform on this machine: `devstack up` (foreground, Ctrl-C stops
// everything), `devstack status`, `devstack stop`, `devstack logs -cid ID`, `devstack keys`,
// `devstack seed` (demo catalog through the gateway) and `devstack clean` (empty every store).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tmfcatalog/platform/deploy/devstack"
	"github.com/tmfcatalog/platform/deploy/devstack/seed"
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
	case "run":
		err = runWith(os.Args[2:])
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
	case "seed":
		err = seedCmd(os.Args[2:])
	case "clean":
		err = cleanCmd(os.Args[2:])
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
  up [-random-ports] [-only a,b] [-no-web]
                                  build and start every service and the web app; Ctrl-C stops all
  run [-web] -- CMD ARGS...       start a private stack on random ports, run CMD with
                                  GATEWAY_URL/API_URL and WEB_URL/BASE_URL set, stop the stack
  status                          health of the running stack
  stop                            stop a stack started with up (e.g. by make dev-bg)
  logs -cid ID                    one request's lines from every service, in time order
  migrate                         create and migrate every service database
  seed [-gateway URL] [-user admin -password admin]
                                  load the demo catalog through the gateway (idempotent)
  clean [-yes]                    empty every store: service databases (users kept),
                                  read store, search index, event queues
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
	noWeb := fs.Bool("no-web", false, "do not build and serve the web app")
	_ = fs.Parse(args)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	r := root()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	opts := devstack.Options{Root: r, RandomPorts: *random, Log: log, Web: !*noWeb}
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
	fmt.Println("empty catalog? run: make seed-data")
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

// runWith starts a throwaway stack on random ports in a temp dir, runs a command against it,
// and stops it: used by `make test` for the browser tests.
func runWith(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	web := fs.Bool("web", false, "also build and serve the web app")
	_ = fs.Parse(args)
	cmdArgs := fs.Args()
	if len(cmdArgs) == 0 {
		return errors.New("run: no command given (devstack run [-web] -- CMD ARGS...)")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	dir, err := os.MkdirTemp("", "devstack-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	suffix := fmt.Sprintf("_run%d", os.Getpid())
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	stack, err := devstack.Start(ctx, devstack.Options{Root: root(), Dir: dir, RandomPorts: true, Web: *web,
		Suffix: suffix, Namespace: "run" + suffix, Log: log})
	if err != nil {
		return err
	}
	defer func() {
		stopCtx, stopCancel := context.WithTimeout(context.Background(), time.Minute)
		defer stopCancel()
		if err := stack.Stop(stopCtx); err != nil {
			fmt.Fprintln(os.Stderr, "devstack: stop:", err)
		}
		if err := devstack.DropDatabases(stopCtx, "", suffix); err != nil {
			fmt.Fprintln(os.Stderr, "devstack:", err)
		}
	}()
	cmd := exec.CommandContext(ctx, cmdArgs[0], cmdArgs[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, os.Stdin
	cmd.Env = append(os.Environ(),
		"GATEWAY_URL="+stack.URL("gateway"), "API_URL="+stack.URL("gateway"),
		"WEB_URL="+stack.URL("web"), "BASE_URL="+stack.URL("web"), "DEVSTACK_LOGS="+filepath.Join(dir, "logs"))
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "devstack: %s failed; logs were in %s\n", strings.Join(cmdArgs, " "), filepath.Join(dir, "logs"))
		for _, name := range stack.Components() {
			b, _ := os.ReadFile(stack.LogFile(name))
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) > 10 {
				lines = lines[len(lines)-10:]
			}
			fmt.Fprintf(os.Stderr, "--- %s ---\n%s\n", name, strings.Join(lines, "\n"))
		}
		return fmt.Errorf("%s: %w", cmdArgs[0], err)
	}
	return nil
}

// seedCmd loads the demo catalog into the running stack through its gateway.
func seedCmd(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	gateway := fs.String("gateway", "", "gateway URL (default: the running stack's, else http://127.0.0.1:8000)")
	user := fs.String("user", "admin", "ADMIN account")
	password := fs.String("password", "admin", "its password")
	_ = fs.Parse(args)
	if *gateway == "" {
		*gateway = "http://127.0.0.1:8000"
		if st, err := readState(); err == nil && st.URLs["gateway"] != "" {
			*gateway = st.URLs["gateway"]
		}
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	fmt.Println("seeding the demo catalog through", *gateway)
	start := time.Now()
	rep, err := seed.Run(ctx, seed.Options{Gateway: strings.TrimRight(*gateway, "/"), User: *user, Password: *password, Out: os.Stdout}, seed.Demo())
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	for _, kind := range []string{"characteristic", "specification", "price", "offering"} {
		fmt.Printf("%-15s %d created, %d already there\n", kind+"s", rep.Created[kind], rep.Existing[kind])
	}
	fmt.Printf("%d offerings published, %d left in DRAFT (%s). Store: %s/api/v1/store/search?q=fiber\n",
		len(rep.Published), len(rep.Drafts), time.Since(start).Round(time.Millisecond), *gateway)
	return nil
}

// cleanCmd empties every store of the make dev stack (or of the running one named by the state file).
func cleanCmd(args []string) error {
	fs := flag.NewFlagSet("clean", flag.ExitOnError)
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	_ = fs.Parse(args)
	opts := devstack.CleanOptions{DataDir: filepath.Join(root(), "data")}
	if st, err := readState(); err == nil {
		opts.Suffix, opts.Namespace = st.Suffix, st.Namespace
		if st.DataDir != "" {
			opts.DataDir = st.DataDir
		}
		if syscall.Kill(st.PID, 0) == nil {
			opts.Running = true
			opts.MongoURI, opts.MongoDatabase = st.MongoURI, st.MongoDatabase
		}
	}
	if !*yes {
		fmt.Print("this empties every service database (users kept), the read store, the search index and the event queues. Type yes: ")
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			return errors.New("clean: not confirmed")
		}
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	rep, err := devstack.Clean(ctx, opts)
	dbs := make([]string, 0, len(rep.Truncated))
	for db := range rep.Truncated {
		dbs = append(dbs, db)
	}
	sort.Strings(dbs)
	for _, db := range dbs {
		fmt.Printf("emptied %-22s %d tables (kept: %s)\n", db, len(rep.Truncated[db]), strings.Join(rep.Kept[db], ", "))
	}
	if rep.MongoDB != "" {
		fmt.Println("dropped read store database", rep.MongoDB)
	}
	if rep.SearchIndex != "" {
		fmt.Println("removed search index", rep.SearchIndex)
	}
	purged := 0
	for _, n := range rep.Purged {
		purged += n
	}
	fmt.Printf("purged %d queues (%d messages)\n", len(rep.Purged), purged)
	if len(rep.Missing) > 0 {
		fmt.Println("not there (nothing to clean):", strings.Join(rep.Missing, ", "))
	}
	for _, n := range rep.Notes {
		fmt.Println("note:", n)
	}
	return err
}
