// Command gateway is the platform's single entry point on :8000: it routes /api/v1/* to the
// services, checks JWTs at the edge, guards every upstream with a circuit breaker, rate-limits
// clients, answers CORS, and serves the merged OpenAPI document and the docs page.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/lifecycle"
	"github.com/tmfcatalog/platform/libs/chassis/logging"
	"github.com/tmfcatalog/platform/services/gateway/internal/httpapi"
)

func main() {
	lifecycle.Main(httpapi.Service, run)
}

func run(ctx context.Context, log *slog.Logger) error {
	env := envconfig.New(nil)
	cfg := readConfig(env)
	vcfg := auth.ConfigFromEnv(env)
	if err := env.Err(); err != nil {
		return err
	}
	verifier, err := auth.NewVerifier(vcfg)
	if err != nil {
		return fmt.Errorf("token verifier: %w", err)
	}
	cfg.Gateway.Verifier = verifier
	if cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	cfg.log(ctx, log)
	ln, err := httpserver.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, log, ln, os.Stdout, accessLogDelay)
}

// serve runs the gateway on ln until ctx ends, its access lines batched on out (at most delay
// late) and all written once the server has drained.
func serve(ctx context.Context, cfg config, log *slog.Logger, ln net.Listener, out io.Writer, delay time.Duration) error {
	lines := logging.NewLineBuffer(out, accessLogBuffer, delay)
	// Runs after ServeListener returned, i.e. once every request has been answered and logged.
	defer func() {
		if err := lines.Close(); err != nil {
			log.ErrorContext(ctx, "flush access log", "error", err.Error())
		}
	}()
	accessLog, err := logging.New(httpapi.Service, cfg.LogLevel, lines)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("access log: %w", err)
	}
	cfg.Gateway.AccessLog = accessLog
	gw, err := httpapi.New(cfg.Gateway, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer gw.Close()
	return httpserver.ServeListener(ctx, ln, gw, log)
}

// Access-log batching: lines are written to stdout in batches of up to accessLogBuffer bytes and
// at most accessLogDelay late, so a proxied request does not pay a write syscall of its own
// (nginx's access_log buffer= does the same). Other log lines (warnings, errors) are unbuffered;
// a crash (not a graceful stop) can lose up to accessLogDelay of access lines.
const (
	accessLogBuffer = 64 << 10
	accessLogDelay  = 100 * time.Millisecond
)
