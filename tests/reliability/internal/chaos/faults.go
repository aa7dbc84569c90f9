package chaos

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/tests/reliability/internal/stackrun"
)

// Fault is one injected failure. Inject returns once the harness has done its part (a killed
// process is restarted); the platform must heal the rest by itself.
type Fault struct {
	Name   string
	Full   bool // only in the full chaos run (affects the shared machine or takes long)
	Inject func(ctx context.Context, e *Env) (Injection, error)
}

// Injection says what a fault did and when it took effect (recovery is measured from then).
type Injection struct {
	Note string
	At   time.Time
}

// KillService SIGKILLs a component's process and restarts it on the same port.
func KillService(name string) Fault {
	return Fault{Name: "SIGKILL " + name, Inject: func(ctx context.Context, e *Env) (Injection, error) {
		at := time.Now()
		if err := e.Run.Stack.Kill(name); err != nil {
			return Injection{}, err
		}
		if err := e.Run.Stack.Restart(ctx, name); err != nil {
			return Injection{}, fmt.Errorf("restart %s: %w", name, err)
		}
		return Injection{Note: fmt.Sprintf("restarted by the harness, healthy again after %s", time.Since(at).Round(100*time.Millisecond)), At: at}, nil
	}}
}

// CloseRabbitConnections closes, through rabbitmqctl, every AMQP connection that belongs to one
// of the stack's processes. The services name their connection "<program>-<pid>"
// (libs/messaging), so other stacks' connections on the shared broker stay untouched.
func CloseRabbitConnections() Fault {
	return Fault{Name: "close RabbitMQ connections", Inject: func(ctx context.Context, e *Env) (Injection, error) {
		names := map[string]bool{}
		for comp, pid := range e.Run.Stack.PIDs() {
			names[filepath.Base(comp)+"-"+strconv.Itoa(pid)] = true
		}
		// An extra instance runs its component's binary: its program name is the component's.
		for _, pid := range e.Run.Stack.PIDs() {
			for _, c := range []string{"characteristic", "specification", "pricing", "offering", "store-query"} {
				names[c+"-"+strconv.Itoa(pid)] = true
			}
		}
		out, err := exec.CommandContext(ctx, "rabbitmqctl", "-q", "list_connections", "pid", "client_properties").CombinedOutput()
		if err != nil {
			return Injection{}, fmt.Errorf("rabbitmqctl list_connections: %w\n%s", err, out)
		}
		var pids []string
		for _, line := range strings.Split(string(out), "\n") {
			if name := connectionName(line); name != "" && names[name] {
				pids = append(pids, strings.Fields(line)[0])
			}
		}
		if len(pids) == 0 {
			return Injection{}, fmt.Errorf("no AMQP connection of this stack found (looked for %d names)", len(names))
		}
		// rabbitmqctl takes seconds per call on a loaded machine: close them all at once.
		at := time.Now()
		errs := make([]error, len(pids))
		var wg sync.WaitGroup
		for i, pid := range pids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if o, err := exec.CommandContext(ctx, "rabbitmqctl", "-q", "close_connection", pid, "chaos").CombinedOutput(); err != nil {
					errs[i] = fmt.Errorf("rabbitmqctl close_connection %s: %w\n%s", pid, err, o)
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return Injection{}, err
		}
		return Injection{Note: fmt.Sprintf("%d AMQP connections of this stack closed (by connection_name)", len(pids)), At: at}, nil
	}}
}

// connectionName extracts connection_name from a list_connections line
// ({"connection_name","x"} in RabbitMQ 3.x, or with a longstr tag).
func connectionName(line string) string {
	for _, marker := range []string{`{"connection_name","`, `{"connection_name",longstr,<<"`} {
		i := strings.Index(line, marker)
		if i < 0 {
			continue
		}
		rest := line[i+len(marker):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			return rest[:j]
		}
	}
	return ""
}

// TerminateBackends ends every PostgreSQL backend connected to one of the stack's databases.
func TerminateBackends() Fault {
	return Fault{Name: "pg_terminate_backend (stack DBs)", Inject: func(ctx context.Context, e *Env) (Injection, error) {
		conn, err := connectRetry(ctx, stackrun.ServerURL, time.Minute)
		if err != nil {
			return Injection{}, err
		}
		defer conn.Close(ctx)
		var n int
		at := time.Now()
		err = conn.QueryRow(ctx, `SELECT count(*) FROM (
			SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE right(datname, length($1)) = $1 AND pid <> pg_backend_pid()) t`, e.Run.Suffix).Scan(&n)
		if err != nil {
			return Injection{}, fmt.Errorf("terminate backends: %w", err)
		}
		if n == 0 {
			return Injection{}, fmt.Errorf("no backend of the stack's databases to terminate")
		}
		return Injection{Note: fmt.Sprintf("%d backends of the stack's databases terminated", n), At: at}, nil
	}}
}

// RestartPostgres restarts the whole PostgreSQL cluster (it affects every user of the server).
func RestartPostgres() Fault {
	return Fault{Name: "PostgreSQL restart", Full: true, Inject: func(ctx context.Context, _ *Env) (Injection, error) {
		version := "15"
		if out, err := exec.CommandContext(ctx, "ls", "/etc/postgresql").Output(); err == nil {
			if f := strings.Fields(string(out)); len(f) > 0 {
				version = f[0]
			}
		}
		at := time.Now()
		out, err := exec.CommandContext(ctx, "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart").CombinedOutput()
		if err != nil {
			return Injection{}, fmt.Errorf("pg_ctlcluster restart: %w\n%s", err, out)
		}
		return Injection{Note: fmt.Sprintf("cluster %s/main restarted in %s", version, time.Since(at).Round(100*time.Millisecond)), At: at}, nil
	}}
}

// RestartFerret kills the read store's FerretDB process and starts it again on the same port
// with the same data.
func RestartFerret() Fault {
	return Fault{Name: "FerretDB restart", Full: true, Inject: func(ctx context.Context, e *Env) (Injection, error) {
		if e.Run.Ferret == nil {
			return Injection{}, fmt.Errorf("the stack's FerretDB is not a separate process")
		}
		at := time.Now()
		e.Run.Ferret.Kill()
		if err := e.Run.Ferret.Start(ctx); err != nil {
			return Injection{}, err
		}
		return Injection{Note: fmt.Sprintf("FerretDB killed (SIGKILL) and started again after %s", time.Since(at).Round(100*time.Millisecond)), At: at}, nil
	}}
}

// connectRetry connects to PostgreSQL, retrying while the shared server has no free
// connection slot (SQLSTATE 53300) or is restarting.
func connectRetry(ctx context.Context, url string, budget time.Duration) (*pgx.Conn, error) {
	deadline := time.Now().Add(budget)
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			return conn, nil
		}
		if time.Now().After(deadline) || !pause(ctx, 500*time.Millisecond) {
			return nil, err
		}
	}
}
