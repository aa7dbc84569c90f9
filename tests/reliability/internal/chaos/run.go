package chaos

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/tests/reliability/internal/api"
	"github.com/tmfcatalog/platform/tests/reliability/internal/stackrun"
)

// Env is what a fault run needs: the stack and an ADMIN client through the gateway.
type Env struct {
	Run     *stackrun.Run
	Gateway *api.Client // ADMIN token, gateway base URL
	Logf    func(format string, args ...any)

	mu    sync.Mutex
	conns map[string]*pgx.Conn // database name → connection of the checks
}

// Options shape one fault run.
type Options struct {
	Workers int           // concurrent load loops (default 2)
	Before  time.Duration // load before the fault (default 3 s)
	After   time.Duration // load after recovery (default 3 s)
	Recover time.Duration // bound on recovery (default 3 min)
	Settle  time.Duration // bound on the invariants becoming true after the load (default 2 min)
}

func (o *Options) defaults() {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Before <= 0 {
		o.Before = 3 * time.Second
	}
	if o.After <= 0 {
		o.After = 3 * time.Second
	}
	if o.Recover <= 0 {
		o.Recover = 3 * time.Minute
	}
	if o.Settle <= 0 {
		o.Settle = 2 * time.Minute
	}
}

// Result is one row of the fault table.
type Result struct {
	Fault      string
	Note       string // what the injection did
	Sent       int
	Acked      int
	Lost       int
	Recovery   time.Duration // fault injected → first full write cycle acknowledged end to end
	Published  int
	Reverted   int
	Reasons    map[string]int // failure reasons of the reverted publications
	Violations []string
	Err        error // the run itself could not complete
}

// Run drives the load, injects f, measures recovery and checks the invariants.
func Run(ctx context.Context, e *Env, f Fault, o Options) Result {
	o.defaults()
	res := Result{Fault: f.Name}
	l := &Ledger{}
	loadCtx, stopLoad := context.WithCancel(ctx)
	wait := load(loadCtx, e.Gateway, l, o.Workers, "chaos")
	finish := func() {
		stopLoad()
		wait()
		res.Sent, res.Acked = l.Sent(), l.Acked()
	}
	pause(ctx, o.Before)
	inj, err := f.Inject(ctx, e)
	res.Note = inj.Note
	start := inj.At
	if err != nil {
		finish()
		res.Err = fmt.Errorf("inject %s: %w", f.Name, err)
		return res
	}
	e.logf("%s: injected (%s); probing", f.Name, inj.Note)
	if err := e.probe(ctx, l, o.Recover); err != nil {
		finish()
		res.Err = fmt.Errorf("no recovery after %s: %w", f.Name, err)
		return res
	}
	res.Recovery = time.Since(start)
	e.logf("%s: recovered in %s", f.Name, res.Recovery.Round(time.Millisecond))
	pause(ctx, o.After)
	finish()
	_, _, _, _, published := l.snapshot()
	if err := e.settle(ctx, published, e.Run.SagaTimeout+o.Settle); err != nil {
		res.Violations = append(res.Violations, "settle: "+err.Error())
	}
	v, err := e.verify(ctx, l, o.Settle)
	if err != nil {
		res.Err = fmt.Errorf("check invariants: %w", err)
	}
	res.Lost, res.Published, res.Reverted, res.Reasons = v.Lost, v.Published, v.Reverted, v.Reasons
	res.Violations = append(res.Violations, v.Violations...)
	e.logf("%s: sent %d, acked %d, lost %d, published %d, reverted %d %v, violations %d",
		f.Name, res.Sent, res.Acked, res.Lost, res.Published, res.Reverted, res.Reasons, len(res.Violations))
	return res
}

func (e *Env) logf(format string, args ...any) {
	if e.Logf != nil {
		e.Logf(format, args...)
	}
}

// probe runs write cycles until one is acknowledged end to end and its characteristic reached
// the specification service's replica through the event bus.
func (e *Env) probe(ctx context.Context, l *Ledger, budget time.Duration) error {
	deadline := time.Now().Add(budget)
	for {
		if cycle(ctx, e.Gateway, l, "probe") {
			chars, _, _, _, _ := l.snapshot()
			last := chars[len(chars)-1]
			if e.replicated(ctx, last, time.Until(deadline)) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no full write cycle within %s", budget)
		}
		if !pause(ctx, 200*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// replicated waits until the characteristic is in specification's replica.
func (e *Env) replicated(ctx context.Context, charID string, budget time.Duration) bool {
	deadline := time.Now().Add(budget)
	for {
		var n int
		err := e.query(ctx, "specification_db", func(c *pgx.Conn) error {
			return c.QueryRow(ctx, `SELECT count(*) FROM characteristic_replica WHERE id = $1`, charID).Scan(&n)
		})
		if err == nil && n == 1 {
			return true
		}
		if time.Now().After(deadline) || !pause(ctx, 200*time.Millisecond) {
			return false
		}
	}
}

// Markdown renders the results as the fault table with its notes.
func Markdown(results []Result) string {
	var b strings.Builder
	b.WriteString("| fault | operations sent | acknowledged | lost | time to recover | publications (published / reverted) | verdict |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|---|\n")
	for _, r := range results {
		verdict := "ok"
		switch {
		case r.Err != nil:
			verdict = "ERROR: " + oneLine(r.Err.Error())
		case len(r.Violations) > 0:
			verdict = fmt.Sprintf("%d violation(s)", len(r.Violations))
		}
		rec := "—"
		if r.Recovery > 0 {
			rec = r.Recovery.Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d / %d | %s |\n", r.Fault, r.Sent, r.Acked, r.Lost, rec, r.Published, r.Reverted, verdict)
	}
	var notes []string
	for _, r := range results {
		if r.Note != "" {
			notes = append(notes, fmt.Sprintf("- **%s**: %s.", r.Fault, r.Note))
		}
		for _, reason := range slices.Sorted(maps.Keys(r.Reasons)) {
			notes = append(notes, fmt.Sprintf("- **%s**: %d publication(s) reverted to DRAFT with reason %q.", r.Fault, r.Reasons[reason], oneLine(reason)))
		}
		for _, v := range r.Violations {
			notes = append(notes, fmt.Sprintf("- **%s** violation: %s", r.Fault, oneLine(v)))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		b.WriteString(strings.Join(notes, "\n"))
		b.WriteString("\n")
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
