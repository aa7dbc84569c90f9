// Package scenario holds the benchmark scenarios. Each one is bounded in time and in
// requests, targets only 127.0.0.1, and returns a report.Section with its table, goals,
// charts and notes.
package scenario

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/platform"
	"github.com/tmfcatalog/platform/bench/internal/report"
)

// Env is what scenarios share: the running platform (nil for scenarios that need none), the
// repository root and a logger.
type Env struct {
	Root     string
	Platform *platform.Platform
	Log      *slog.Logger
	// Profile enables perf sampling of a service when a goal is missed.
	Profile bool
	// IdleRSS is VmRSS (KiB) of each service sampled right after start-up.
	IdleRSS map[string]int
	admin   string
}

// Scenario is one benchmark.
type Scenario struct {
	Name       string
	Title      string
	NeedsStack bool
	Run        func(ctx context.Context, env *Env) report.Section
}

// All lists every scenario in run order: the ones without the platform first.
func All() []Scenario {
	return []Scenario{
		{Name: "outbox", Title: "Outbox relay vs publish ceiling vs Watermill", Run: Outbox},
		{Name: "engine", Title: "Saga engine capacity", Run: Engine},
		{Name: "search", Title: "Store search (bleve, 50,000 offerings)", Run: Search},
		{Name: "gateway", Title: "Gateway vs direct vs nginx", NeedsStack: true, Run: Gateway},
		// Order matters on a shared stack: the write path's thousand creates become events the
		// store (on the dev stack's FerretDB) needs minutes to work through, which would stall
		// the saga's store step; so the saga and propagation run before it.
		{Name: "saga", Title: "Publication saga", NeedsStack: true, Run: Saga},
		{Name: "propagation", Title: "Price propagation to the store", NeedsStack: true, Run: Propagation},
		{Name: "write", Title: "Write path knee", NeedsStack: true, Run: WritePath},
		{Name: "memory", Title: "Memory (RSS) per service", NeedsStack: true, Run: Memory},
	}
}

// AdminToken logs admin in through the gateway once and caches the token.
func (e *Env) AdminToken(ctx context.Context) (string, error) {
	if e.admin != "" {
		return e.admin, nil
	}
	c := platform.Client{Base: e.Platform.URL("gateway"), HTTP: platform.NewHTTPClient(1)}
	tok, err := c.Login(ctx, "admin", "admin")
	if err != nil {
		return "", err
	}
	e.admin = tok
	return tok, nil
}

// admin returns a gateway client with the admin token.
func (e *Env) adminClient(ctx context.Context, conc int) (*platform.Client, error) {
	tok, err := e.AdminToken(ctx)
	if err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	return &platform.Client{Base: e.Platform.URL("gateway"), Token: tok, HTTP: platform.NewHTTPClient(conc)}, nil
}

func failed(name, title string, start time.Time, err error) report.Section {
	return report.Section{Name: name, Title: title, Err: err, Elapsed: time.Since(start)}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func pct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
