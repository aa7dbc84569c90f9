// Command bench runs the platform's benchmark suite and writes docs/benchmarks.md with a PNG
// chart per scenario. Run it from the repository root:
//
//	go run ./bench/cmd/bench [-only outbox,gateway,...] [-out docs/benchmarks.md]
//
// Every scenario is bounded in time and count and targets only 127.0.0.1. Scenarios that need
// the platform share one dev stack started on random ports with its own databases and event
// namespace, removed at the end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/platform"
	"github.com/tmfcatalog/platform/bench/internal/report"
	"github.com/tmfcatalog/platform/bench/internal/scenario"
	"github.com/tmfcatalog/platform/deploy/devstack"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	all := scenario.All()
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	only := flag.String("only", "", "comma-separated scenarios to run (default all): "+strings.Join(names, ","))
	out := flag.String("out", "docs/benchmarks.md", "report path (relative to the repository root); charts go to <dir>/benchmarks/")
	prof := flag.Bool("profile", true, "sample services with perf while measuring where it helps explain a result")
	timeout := flag.Duration("timeout", 14*time.Minute, "hard limit for the whole run")
	flag.Parse()

	selected := all
	if *only != "" {
		selected = nil
		for _, n := range strings.Split(*only, ",") {
			i := slices.IndexFunc(all, func(s scenario.Scenario) bool { return s.Name == strings.TrimSpace(n) })
			if i < 0 {
				return fmt.Errorf("unknown scenario %q (have %s)", n, strings.Join(names, ", "))
			}
			selected = append(selected, all[i])
		}
	}
	root, err := devstack.FindRoot()
	if err != nil {
		return err
	}
	outPath := *out
	if !filepath.IsAbs(outPath) {
		outPath = filepath.Join(root, outPath)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, *timeout)
	defer cancelT()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	started := time.Now()
	facts := report.MachineFacts(started)
	facts.Command = "go run ./bench/cmd/bench " + strings.Join(os.Args[1:], " ")
	env := &scenario.Env{Root: root, Log: log, Profile: *prof}
	var sections []report.Section
	var stackErr error
	for _, s := range selected {
		if ctx.Err() != nil {
			sections = append(sections, report.Section{Name: s.Name, Title: s.Title, Err: fmt.Errorf("not run: %w", ctx.Err())})
			continue
		}
		if s.NeedsStack && env.Platform == nil && stackErr == nil {
			fmt.Fprintln(os.Stderr, "bench: building and starting the platform…")
			t0 := time.Now()
			p, err := platform.Start(ctx, map[string]map[string]string{
				"gateway": {"RATE_LIMIT_PER_IP": "0", "RATE_LIMIT_PER_USER": "0"},
			}, log)
			if err != nil {
				stackErr = err
			} else {
				env.Platform = p
				defer func() {
					if err := p.Stop(context.Background()); err != nil {
						fmt.Fprintln(os.Stderr, "bench: stop platform:", err)
					}
				}()
				settle(ctx, 3*time.Second)
				env.SampleIdleRSS()
				fmt.Fprintf(os.Stderr, "bench: platform up in %s\n", time.Since(t0).Round(time.Second))
			}
		}
		if s.NeedsStack && env.Platform == nil {
			sections = append(sections, report.Section{Name: s.Name, Title: s.Title, Err: fmt.Errorf("platform did not start: %w", stackErr)})
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s…\n", s.Name)
		sec := s.Run(ctx, env)
		if sec.Title == "" {
			sec.Title = s.Title
		}
		fmt.Fprintf(os.Stderr, "bench: %s done in %s\n", s.Name, sec.Elapsed.Round(time.Second))
		sections = append(sections, sec)
	}
	facts.Runtime = time.Since(started)
	r := report.Report{Facts: facts, Sections: sections, Usage: usage(names)}
	report.Console(os.Stdout, r)
	if err := report.WriteMarkdown(outPath, r); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: wrote %s in %s\n", outPath, facts.Runtime.Round(time.Second))
	for _, s := range sections {
		if s.Err != nil {
			return errors.New("some scenarios did not complete; see the report")
		}
	}
	return nil
}

func settle(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// usage is the report's "how to run" paragraph.
func usage(names []string) string {
	return "## How to run\n\n" +
		"```sh\nmake bench                      # every scenario, writes this file and docs/benchmarks/*.png\n" +
		"go run ./bench/cmd/bench -only gateway,saga -out /tmp/b.md   # a subset, elsewhere\n```\n\n" +
		"Scenarios: " + strings.Join(names, ", ") + ". Needs PostgreSQL and RabbitMQ on 127.0.0.1 (as for `make test`), " +
		"nginx (`apt-get install -y nginx`) and, for the profile notes, Linux `perf`. The platform is built and started by the dev stack " +
		"on random ports with its own databases and event namespace, all removed at the end; every scenario is bounded in time and count " +
		"and talks only to 127.0.0.1. Each section says how it measured; where a goal is missed, its notes carry the profile evidence. " +
		"`go test ./...` in `bench/` checks the harness (percentiles, load loops, report, charts, nginx config, profile parsing) without running scenarios.\n"
}
