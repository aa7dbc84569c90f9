// Package devstack runs the whole platform on one machine: it checks PostgreSQL and RabbitMQ,
// embeds FerretDB, builds every service that exists and starts each as a child process with its
// log in logs/<service>.log, waits for their health checks and tears everything down again.
//
// `make dev` uses it on the standard ports; end-to-end tests use it on random free ports in a
// temporary folder, with their own databases and event namespace.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tmfcatalog/platform/libs/ferret"
)

// Options configure a stack.
type Options struct {
	Root        string            // repository root (holds go.work); found from the working directory when empty
	Dir         string            // runtime folder: bin/, logs/, data/, keys; <Root> when empty
	RandomPorts bool              // pick free ports instead of the standard ones
	Suffix      string            // appended to every database name (tests isolate themselves with it)
	Namespace   string            // EVENT_NAMESPACE for every service
	Only        []string          // start just these components (default: every one whose package exists)
	Env         map[string]string // extra variables for every component
	ServiceEnv  map[string]map[string]string
	PostgresURL string // server URL; default postgres://postgres@127.0.0.1:5432/?sslmode=disable
	AMQPURL     string // default amqp://guest:guest@127.0.0.1:5672/
	MongoURI    string // use this MongoDB instead of embedding FerretDB
	Web         bool   // also build (npm ci, next build) and serve the web app
	Log         *slog.Logger
}

// Stack is a running platform.
type Stack struct {
	opts      Options
	log       *slog.Logger
	ports     map[string]int
	keyFile   string
	mongoURI  string
	ferret    *ferret.Server
	ferretLog *os.File

	mu       sync.Mutex
	procs    map[string]*process
	order    []string
	extraOf  map[string]string            // extra instance → its component
	extraEnv map[string]map[string]string // extra instance → its own variables
}

// Start builds and starts the stack and returns once every component answers its health
// check, or fails (and stops what it started).
func Start(ctx context.Context, opts Options) (*Stack, error) {
	s, err := newStack(opts)
	if err != nil {
		return nil, err
	}
	if err := s.start(ctx); err != nil {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.Stop(stopCtx)
		return nil, err
	}
	return s, nil
}

func newStack(opts Options) (*Stack, error) {
	if opts.Root == "" {
		root, err := FindRoot()
		if err != nil {
			return nil, err
		}
		opts.Root = root
	}
	if opts.Dir == "" {
		opts.Dir = opts.Root
	}
	if opts.PostgresURL == "" {
		opts.PostgresURL = "postgres://postgres@127.0.0.1:5432/?sslmode=disable"
	}
	if opts.AMQPURL == "" {
		opts.AMQPURL = "amqp://guest:guest@127.0.0.1:5672/"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s := &Stack{opts: opts, log: opts.Log, procs: map[string]*process{}, ports: map[string]int{},
		extraOf: map[string]string{}, extraEnv: map[string]map[string]string{}}
	for _, c := range components {
		s.ports[c.Name] = c.Port
	}
	s.ports["engine-grpc"] = grpcPort
	s.ports["ferretdb"] = 27017
	if opts.RandomPorts {
		names := slices.Sorted(maps.Keys(s.ports))
		ports, err := freePorts(len(names), nil)
		if err != nil {
			return nil, err
		}
		for i, name := range names {
			s.ports[name] = ports[i]
		}
	}
	return s, nil
}

// FindRoot walks up from the working directory to the folder holding go.work.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("devstack: no go.work found above the working directory; run from the repository")
		}
		dir = parent
	}
}

func (s *Stack) start(ctx context.Context) error {
	if err := CheckInfrastructure(ctx, s.opts.PostgresURL, s.opts.AMQPURL); err != nil {
		return err
	}
	for _, d := range []string{"bin", "logs", "data", ".keys"} {
		if err := os.MkdirAll(s.path(d), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	key, err := EnsureKey(s.path(".keys", "jwt-private.pem"))
	if err != nil {
		return err
	}
	s.keyFile = key
	selected := s.selected()
	if len(selected) == 0 {
		return errors.New("devstack: no service to start (no services/<name>/main.go found)")
	}
	if err := s.build(ctx, selected); err != nil {
		return err
	}
	if s.opts.MongoURI != "" {
		s.mongoURI = s.opts.MongoURI
	} else if slices.ContainsFunc(selected, func(c component) bool { return c.Name == "store-query" }) {
		// FerretDB logs every command it does not support at warn level; those lines go to
		// logs/ferretdb.log, not to the terminal.
		ferretLog, err := os.OpenFile(s.LogFile("ferretdb"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open FerretDB log: %w", err)
		}
		s.ferretLog = ferretLog
		srv, err := ferret.Start(context.WithoutCancel(ctx), s.path("data", "ferretdb"), s.addr("ferretdb"),
			slog.New(slog.NewJSONHandler(ferretLog, &slog.HandlerOptions{Level: slog.LevelWarn})))
		if err != nil {
			return fmt.Errorf("start FerretDB: %w", err)
		}
		s.ferret = srv
		s.mongoURI = srv.URI()
	}
	for _, c := range selected {
		if err := s.launch(ctx, c); err != nil {
			return err
		}
		if err := s.waitHealthy(ctx, c, 90*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// selected returns the components to run, in start order.
func (s *Stack) selected() []component {
	var out []component
	for _, c := range components {
		if len(s.opts.Only) > 0 && !slices.Contains(s.opts.Only, c.Name) {
			continue
		}
		if c.Web {
			if !s.opts.Web {
				continue
			}
		} else if _, err := os.Stat(filepath.Join(s.opts.Root, c.Package, "main.go")); err != nil {
			continue
		}
		out = append(out, c)
	}
	return out
}

// Components lists the names the stack runs, in start order.
func (s *Stack) Components() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

// URL returns the base URL of a component ("gateway", "pricing", "engine" for its ops API...).
func (s *Stack) URL(name string) string {
	return "http://" + s.addr(name)
}

// ZeebeAddress is the saga engine's gRPC address.
func (s *Stack) ZeebeAddress() string { return s.addr("engine-grpc") }

// MongoURI is the read store's connection string ("" when store-query does not run).
func (s *Stack) MongoURI() string { return s.mongoURI }

// KeyFile is the identity service's signing key.
func (s *Stack) KeyFile() string { return s.keyFile }

// LogFile returns the path of a component's log.
func (s *Stack) LogFile(name string) string { return s.path("logs", name+".log") }

// DatabaseURL returns the URL of one of the stack's databases (e.g. "pricing_db").
func (s *Stack) DatabaseURL(db string) string { return s.databaseURL(db) }

func (s *Stack) port(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ports[name]
}

func (s *Stack) addr(name string) string {
	s.mu.Lock()
	port := s.ports[name]
	s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

func (s *Stack) path(parts ...string) string {
	return filepath.Join(append([]string{s.opts.Dir}, parts...)...)
}

func (s *Stack) databaseURL(db string) string {
	u, err := url.Parse(s.opts.PostgresURL)
	if err != nil {
		return s.opts.PostgresURL
	}
	u.Path = "/" + db + s.opts.Suffix
	return u.String()
}

// env builds a component's environment: the process's own, the shared platform wiring, the
// component's needs, then the caller's overrides.
func (s *Stack) env(c component, instance string, extra map[string]string) []string {
	vars := map[string]string{
		"HTTP_ADDR":             s.addr(instance),
		"LOG_LEVEL":             "info",
		"AMQP_URL":              s.opts.AMQPURL,
		"EVENT_NAMESPACE":       s.opts.Namespace,
		"JWKS_URL":              s.URL("identity") + "/.well-known/jwks.json",
		"IDENTITY_URL":          s.URL("identity"),
		"ZEEBE_ADDRESS":         s.ZeebeAddress(),
		"ENGINE_OPS_URL":        s.URL("engine"),
		"SERVICE_CLIENT_ID":     c.Name,
		"SERVICE_CLIENT_SECRET": devSecret(c.Name),
		"MONGODB_URI":           s.mongoURI,
		"CHARACTERISTIC_URL":    s.URL("characteristic"),
		"SPECIFICATION_URL":     s.URL("specification"),
		"PRICING_URL":           s.URL("pricing"),
		"OFFERING_URL":          s.URL("offering"),
		"STORE_URL":             s.URL("store-query"),
		"STORE_QUERY_URL":       s.URL("store-query"),
	}
	maps.Copy(vars, c.Env(s))
	maps.Copy(vars, s.opts.Env)
	maps.Copy(vars, s.opts.ServiceEnv[c.Name])
	maps.Copy(vars, extra)
	env := os.Environ()
	keys := slices.Sorted(maps.Keys(vars))
	for _, k := range keys {
		env = append(env, k+"="+vars[k])
	}
	return env
}

// Summary is a table of the running components and their URLs.
func (s *Stack) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %-28s %s\n", "COMPONENT", "URL", "LOG")
	for _, name := range s.Components() {
		fmt.Fprintf(&b, "%-16s %-28s %s\n", name, s.URL(name), s.LogFile(name))
	}
	if s.ports["engine-grpc"] != 0 && slices.Contains(s.Components(), "engine") {
		fmt.Fprintf(&b, "%-16s %-28s\n", "zeebe gRPC", s.ZeebeAddress())
	}
	if s.mongoURI != "" {
		fmt.Fprintf(&b, "%-16s %-28s\n", "mongodb", s.mongoURI)
	}
	return b.String()
}

// State is what `devstack status` and `devstack stop` read from the state file.
type State struct {
	PID       int               `json:"pid"`
	URLs      map[string]string `json:"urls"`
	ChildPIDs map[string]int    `json:"child_pids"`
	StartedAt time.Time         `json:"started_at"`
	// Where the stack keeps its data, so `devstack clean` can find it.
	MongoURI      string `json:"mongo_uri,omitempty"`
	MongoDatabase string `json:"mongo_database,omitempty"`
	DataDir       string `json:"data_dir,omitempty"`
	Suffix        string `json:"suffix,omitempty"`
	Namespace     string `json:"namespace,omitempty"`
}

// State returns a snapshot for the state file.
func (s *Stack) State() State {
	st := State{PID: os.Getpid(), URLs: map[string]string{}, ChildPIDs: s.PIDs(), StartedAt: time.Now().UTC(),
		MongoURI: s.mongoURI, MongoDatabase: "store" + s.opts.Suffix, DataDir: s.path("data"), Suffix: s.opts.Suffix,
		Namespace: s.opts.Namespace}
	for name := range st.ChildPIDs {
		st.URLs[name] = s.URL(name)
	}
	return st
}

// freePorts returns n distinct free ports, none of them in taken. They come from below the
// kernel's ephemeral range (32768+ here), so outgoing connections cannot take one in the
// minutes between choosing it and the component binding it; and every listener stays open
// until all are chosen, so none is handed out twice.
func freePorts(n int, taken map[int]bool) ([]int, error) {
	var listeners []net.Listener
	defer func() {
		for _, ln := range listeners {
			ln.Close()
		}
	}()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries > 1000 {
			return nil, fmt.Errorf("find %d free ports: too many in use", n)
		}
		p := 20000 + rand.IntN(12000)
		if taken[p] {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue // in use
		}
		listeners = append(listeners, ln)
		taken = withPort(taken, p)
		ports = append(ports, p)
	}
	return ports, nil
}

func withPort(taken map[int]bool, p int) map[int]bool {
	if taken == nil {
		taken = map[int]bool{}
	}
	taken[p] = true
	return taken
}
