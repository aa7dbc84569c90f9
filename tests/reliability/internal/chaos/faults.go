package chaos

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/tests/reliability/internal/stackrun"
)

// Fault is one injected failure. Inject returns once the harness has done its part (a killed
// process is restarted); the platform must heal the rest by itself.
type Fault struct {
	Name   string
	Full   bool // only in the full chaos run (affects the shared machine or takes long)
	Inject func(ctx context.Context, e *Env) (note string, err error)
}

// KillService SIGKILLs a component's process and restarts it on the same port.
func KillService(name string) Fault {
	return Fault{Name: "SIGKILL " + name, Inject: func(ctx context.Context, e *Env) (string, error) {
		if err := e.Run.Stack.Kill(name); err != nil {
			return "", err
		}
		if err := e.Run.Stack.Restart(ctx, name); err != nil {
			return "", fmt.Errorf("restart %s: %w", name, err)
		}
		return "restarted by the harness", nil
	}}
}

// CloseRabbitConnections closes, through rabbitmqctl, every AMQP connection that belongs to one
// of the stack's processes. The services name their connection "<program>-<pid>"
// (libs/messaging), so other stacks' connections on the shared broker stay untouched.
func CloseRabbitConnections() Fault {
	return Fault{Name: "close RabbitMQ connections", Inject: func(ctx context.Context, e *Env) (string, error) {
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
			return "", fmt.Errorf("rabbitmqctl list_connections: %w\n%s", err, out)
		}
		closed := 0
		for _, line := range strings.Split(string(out), "\n") {
			name := connectionName(line)
			if name == "" || !names[name] {
				continue
			}
			pid := strings.Fields(line)[0]
			if o, err := exec.CommandContext(ctx, "rabbitmqctl", "-q", "close_connection", pid, "chaos").CombinedOutput(); err != nil {
				return "", fmt.Errorf("rabbitmqctl close_connection %s: %w\n%s", pid, err, o)
			}
			closed++
		}
		if closed == 0 {
			return "", fmt.Errorf("no AMQP connection of this stack found (looked for %d names)", len(names))
		}
		return fmt.Sprintf("%d connections of this stack closed", closed), nil
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
	return Fault{Name: "pg_terminate_backend (stack DBs)", Inject: func(ctx context.Context, e *Env) (string, error) {
		conn, err := pgx.Connect(ctx, stackrun.ServerURL)
		if err != nil {
			return "", err
		}
		defer conn.Close(ctx)
		var n int
		err = conn.QueryRow(ctx, `SELECT count(*) FROM (
			SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE right(datname, length($1)) = $1 AND pid <> pg_backend_pid()) t`, e.Run.Suffix).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("terminate backends: %w", err)
		}
		if n == 0 {
			return "", fmt.Errorf("no backend of the stack's databases to terminate")
		}
		return fmt.Sprintf("%d backends terminated", n), nil
	}}
}

// RestartPostgres restarts the whole PostgreSQL cluster (it affects every user of the server).
func RestartPostgres() Fault {
	return Fault{Name: "PostgreSQL restart", Full: true, Inject: func(ctx context.Context, _ *Env) (string, error) {
		version := "15"
		if out, err := exec.CommandContext(ctx, "ls", "/etc/postgresql").Output(); err == nil {
			if f := strings.Fields(string(out)); len(f) > 0 {
				version = f[0]
			}
		}
		out, err := exec.CommandContext(ctx, "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart").CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("pg_ctlcluster restart: %w\n%s", err, out)
		}
		return "cluster " + version + "/main restarted", nil
	}}
}
