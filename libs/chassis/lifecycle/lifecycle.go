// Package lifecycle runs a service process: signals, logger, tracing, and owned goroutines.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/libs/chassis/logging"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"
)

// Main runs a service: it builds the JSON logger (LOG_LEVEL) and tracing (ZIPKIN_URL or
// OTEL_EXPORTER_OTLP_ENDPOINT), cancels ctx on SIGINT or SIGTERM, calls run, and exits 1 if
// run fails.
//
// `<binary> healthcheck [URL]` instead probes URL (default: /health/ready on HTTP_ADDR) and
// exits 0 when it answers 200, so distroless images, which have no shell or curl, can still
// declare a container healthcheck.
func Main(service string, run func(ctx context.Context, log *slog.Logger) error) {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		if err := probe(os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "%s healthcheck: %v\n", service, err)
			os.Exit(1)
		}
		return
	}
	if err := mainErr(service, run); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", service, err)
		os.Exit(1)
	}
}

func mainErr(service string, run func(ctx context.Context, log *slog.Logger) error) error {
	env := envconfig.New(nil)
	level := env.String("LOG_LEVEL", "info")
	tcfg := tracing.Config{Service: service, ZipkinURL: env.String("ZIPKIN_URL", ""), OTLPEndpoint: env.String("OTEL_EXPORTER_OTLP_ENDPOINT", "")}
	if err := env.Err(); err != nil {
		return err
	}
	log, err := logging.New(service, level, os.Stdout)
	if err != nil {
		return fmt.Errorf("LOG_LEVEL: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	shutdownTracing, err := tracing.Setup(ctx, tcfg)
	if err != nil {
		return err
	}
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdownTracing(flushCtx); err != nil {
			log.Warn("flush traces", "error", err.Error())
		}
	}()
	log.InfoContext(ctx, "starting", "pid", os.Getpid())
	if err := run(ctx, log); err != nil {
		log.ErrorContext(ctx, "stopped with error", "error", err.Error())
		return err
	}
	log.InfoContext(ctx, "stopped")
	return nil
}

// Group owns a set of goroutines: the first one to fail cancels the shared context, and Wait
// returns once all have returned.
type Group struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
}

// NewGroup returns a Group and the context its goroutines must watch.
func NewGroup(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	return &Group{ctx: ctx, cancel: cancel}, ctx
}

// Go starts fn with the group's context; a non-nil error (other than a cancellation) stops
// the group.
func (g *Group) Go(name string, fn func(ctx context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := fn(g.ctx); err != nil && !errors.Is(err, context.Canceled) {
			g.mu.Lock()
			g.errs = append(g.errs, fmt.Errorf("%s: %w", name, err))
			g.mu.Unlock()
			g.cancel(err)
		}
	}()
}

// Wait blocks until every goroutine returned and reports their failures.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.cancel(nil)
	g.mu.Lock()
	defer g.mu.Unlock()
	return errors.Join(g.errs...)
}

// MigrateOnly reports whether the process was started as `<service> migrate`: it should open
// (create and migrate) its database and exit, which is what `make migrate` runs.
func MigrateOnly() bool {
	return len(os.Args) > 1 && os.Args[1] == "migrate"
}

// probe GETs the health URL named in args, or /health/ready on HTTP_ADDR's port.
func probe(args []string) error {
	target := ""
	if len(args) > 0 {
		target = args[0]
	} else {
		addr := envconfig.New(nil).String("HTTP_ADDR", "")
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("no URL given and HTTP_ADDR %q has no port", addr)
		}
		target = "http://127.0.0.1:" + port + "/health/ready"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(target)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", target, resp.Status)
	}
	return nil
}
