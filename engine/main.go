// Command engine is the saga engine: a BPMN process engine with its state in PostgreSQL that
// serves the Zeebe gateway gRPC API (so services use the official Zeebe client) and an
// operations HTTP API.
package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/cors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	"github.com/tmfcatalog/platform/bpmn"
	"github.com/tmfcatalog/platform/engine/internal/engine"
	"github.com/tmfcatalog/platform/engine/internal/grpcapi"
	"github.com/tmfcatalog/platform/engine/internal/opsapi"
	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
)

const service = "saga-engine"

func main() { lifecycle.Main(service, run) }

// config is the engine's environment.
type config struct {
	GRPCAddr    string
	OpsAddr     string
	DatabaseURL string
	DeployDir   string
	AutoDeploy  bool
	CORSOrigins []string
	MaxConns    int32
	OpsAuth     bool
	Verifier    auth.VerifierConfig
	Retention   time.Duration
}

func loadConfig(env *envconfig.Reader) (config, error) {
	c := config{
		GRPCAddr:    env.String("GRPC_ADDR", ":26500"),
		OpsAddr:     env.String("OPS_ADDR", ":8085"),
		DatabaseURL: env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saga_engine_db?sslmode=disable"),
		DeployDir:   env.String("DEPLOY_DIR", ""),
		AutoDeploy:  env.Bool("AUTO_DEPLOY", true),
		CORSOrigins: env.List("OPS_CORS_ORIGINS", []string{"*"}),
		MaxConns:    int32(env.Int("DB_MAX_CONNS", engine.DefaultMaxConns)),
		OpsAuth:     env.Bool("OPS_AUTH", true),
		Retention:   env.Duration("HISTORY_RETENTION", 7*24*time.Hour),
	}
	if c.OpsAuth {
		c.Verifier = auth.ConfigFromEnv(env)
	}
	return c, env.Err()
}

func run(ctx context.Context, log *slog.Logger) error {
	cfg, err := loadConfig(envconfig.New(nil))
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "config", "grpc_addr", cfg.GRPCAddr, "ops_addr", cfg.OpsAddr, "deploy_dir", cfg.DeployDir, "auto_deploy", cfg.AutoDeploy)
	pool, err := engine.OpenDatabase(ctx, cfg.DatabaseURL, cfg.MaxConns)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer pool.Close()
	if lifecycle.MigrateOnly() {
		log.InfoContext(ctx, "database migrated")
		return nil
	}
	eng := engine.New(pool, log, engine.Options{HistoryRetention: cfg.Retention})
	if err := deployAtStart(ctx, eng, cfg); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return fmt.Errorf("listen GRPC_ADDR %s: %w", cfg.GRPCAddr, err)
	}
	host, port := advertised(ln.Addr())
	g, gctx := lifecycle.NewGroup(ctx)
	srv := grpcapi.New(eng, log, host, port).EndLongPollsWhen(gctx).Register(
		// The Zeebe client pings every 45s; allow it instead of closing the connection.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
	)

	router := httpserver.NewRouter(httpserver.Options{Service: service, Log: log})
	checks := health.New(service)
	checks.Add("postgres", pgdb.Ping(pool))
	checks.Mount(router)
	guards, err := opsGuards(cfg)
	if err != nil {
		return err
	}
	opsapi.New(eng, log).Mount(router, guards...)
	// The web console reads the ops API from the browser; CORS wraps the router so that
	// preflight requests are answered before routing.
	opsHandler := cors.Handler(cors.Options{AllowedOrigins: cfg.CORSOrigins, AllowedMethods: []string{"GET", "POST"},
		AllowedHeaders: []string{"Content-Type", "Authorization", "X-Correlation-ID"}})(router)

	g.Go("engine", eng.Run)
	g.Go("grpc", func(ctx context.Context) error {
		go func() {
			<-ctx.Done()
			stopped := make(chan struct{})
			go func() { srv.GracefulStop(); close(stopped) }()
			select {
			case <-stopped:
			case <-time.After(5 * time.Second): // long polls may hold streams open
				srv.Stop()
			}
		}()
		log.InfoContext(ctx, "zeebe gateway API listening", "addr", ln.Addr().String())
		if err := srv.Serve(ln); err != nil {
			return fmt.Errorf("serve gRPC: %w", err)
		}
		return nil
	})
	g.Go("ops", func(ctx context.Context) error {
		log.InfoContext(ctx, "ops API listening", "addr", cfg.OpsAddr)
		return httpserver.Serve(ctx, cfg.OpsAddr, opsHandler, log)
	})
	<-gctx.Done()
	return g.Wait()
}

// deployAtStart deploys the embedded BPMN files and those in DEPLOY_DIR. Deploying the same
// XML again keeps the version, so restarts are idempotent.
func deployAtStart(ctx context.Context, eng *engine.Engine, cfg config) error {
	var res []engine.Resource
	if cfg.AutoDeploy {
		err := fs.WalkDir(bpmn.Files, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".bpmn") {
				return err
			}
			b, err := fs.ReadFile(bpmn.Files, path)
			if err != nil {
				return err
			}
			res = append(res, engine.Resource{Name: path, Content: b})
			return nil
		})
		if err != nil {
			return fmt.Errorf("embedded BPMN: %w", err)
		}
	}
	if cfg.DeployDir != "" {
		matches, err := filepath.Glob(filepath.Join(cfg.DeployDir, "*.bpmn"))
		if err != nil {
			return fmt.Errorf("DEPLOY_DIR: %w", err)
		}
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				return fmt.Errorf("DEPLOY_DIR: %w", err)
			}
			res = append(res, engine.Resource{Name: filepath.Base(m), Content: b})
		}
	}
	if len(res) == 0 {
		return nil
	}
	if _, _, err := eng.Deploy(ctx, res); err != nil {
		return fmt.Errorf("deploy at start: %w", err)
	}
	return nil
}

// opsGuards protects the ops API: every /api request needs a token with role ADMIN (the
// gateway forwards the caller's token; zero trust means the engine checks it again).
func opsGuards(cfg config) ([]func(http.Handler) http.Handler, error) {
	if !cfg.OpsAuth {
		return nil, nil
	}
	v, err := auth.NewVerifier(cfg.Verifier)
	if err != nil {
		return nil, fmt.Errorf("ops API token verifier: %w", err)
	}
	return []func(http.Handler) http.Handler{auth.Middleware(v, nil), auth.RequireRole(auth.RoleAdmin)}, nil
}

func advertised(a net.Addr) (string, int32) {
	host, portStr, err := net.SplitHostPort(a.String())
	if err != nil {
		return "127.0.0.1", 26500
	}
	port, _ := strconv.Atoi(portStr)
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return host, int32(port)
}
